/*
 * lib/store/db/bulk.c - the SQL of one row of a bulk statement (db.h), in
 * the dialect both backends run: SQLite's bulk statement is this
 * statement, PostgreSQL's runs it for the first rows after a flush.
 */
#include <stdlib.h>

#include "base/base.h"
#include "store/db/db_impl.h"

char *db_bulk_row_sql(enum db_bulk_op op, const char *table,
                      const char *const *cols, int ncols, int nkeys)
{
	struct dti_buf b;
	dti_buf_init(&b, 0);
	if (op == DB_BULK_DELETE) {
		dti_buf_addf(&b, "DELETE FROM %s WHERE ", table);
		for (int i = 0; i < nkeys; i++)
			dti_buf_addf(&b, "%s%s = ?", i ? " AND " : "", cols[i]);
	} else if (op == DB_BULK_UPDATE) {
		/* numbered: the key comes first among the parameters */
		dti_buf_addf(&b, "UPDATE %s SET ", table);
		for (int i = nkeys; i < ncols; i++)
			dti_buf_addf(&b, "%s%s = ?%d", i > nkeys ? ", " : "",
			             cols[i], i + 1);
		dti_buf_adds(&b, " WHERE ");
		for (int i = 0; i < nkeys; i++)
			dti_buf_addf(&b, "%s%s = ?%d", i ? " AND " : "",
			             cols[i], i + 1);
	} else if (op == DB_BULK_INSERT) {
		dti_buf_addf(&b, "INSERT INTO %s (", table);
		for (int i = 0; i < ncols; i++)
			dti_buf_addf(&b, "%s%s", i ? ", " : "", cols[i]);
		dti_buf_adds(&b, ") VALUES (");
		for (int i = 0; i < ncols; i++)
			dti_buf_adds(&b, i ? ", ?" : "?");
		dti_buf_addc(&b, ')');
	} else {
		dti_buf_addf(&b, "INSERT INTO %s (", table);
		for (int i = 0; i < ncols; i++)
			dti_buf_addf(&b, "%s%s", i ? ", " : "", cols[i]);
		dti_buf_adds(&b, ") VALUES (");
		for (int i = 0; i < ncols; i++)
			dti_buf_adds(&b, i ? ", ?" : "?");
		dti_buf_adds(&b, ") ON CONFLICT (");
		for (int i = 0; i < nkeys; i++)
			dti_buf_addf(&b, "%s%s", i ? ", " : "", cols[i]);
		if (nkeys == ncols)
			dti_buf_adds(&b, ") DO NOTHING");
		else
			dti_buf_adds(&b, ") DO UPDATE SET ");
		for (int i = nkeys; i < ncols; i++)
			dti_buf_addf(&b, "%s%s = excluded.%s",
			             i > nkeys ? ", " : "", cols[i], cols[i]);
	}
	if (dti_buf_addc(&b, '\0') != DTI_OK) {
		dti_buf_release(&b);
		return NULL;
	}
	return b.data;
}
