-- tests/store/bulk.sql - bulk rows for the import tests, added with the
-- sqlite3 shell to a store made by the dti command line.
--
-- The kill test needs an import that takes a noticeable time (0.2-1 s), so
-- this adds what a commune-level year looks like: @communes communes (the
-- caller sets the parameter), a cycle with a submission per commune and 20
-- figures each (values with fractions, some NULL, comments with quotes and
-- Vietnamese text), and evidence with binary files.  Ids start far above what the command line
-- assigns, so the rows never collide with it.  These rows bypass the audit
-- log on purpose: import checks the chain, not that every row has an event.
PRAGMA foreign_keys = ON;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @communes)
INSERT INTO units (id, code, name_vi, name_ascii, aliases, level, group_id,
                   valid_from, valid_to, successors, population)
SELECT printf('X%05d', i), printf('%05d', i), 'Xã Số ' || i, 'Xa So ' || i,
       CASE WHEN i % 10 = 0 THEN 'Phường ' || i || ';P' || i ELSE '' END,
       'commune', '', '2020-01-01', '', '',
       CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 5000) + (i % 4) * 0.25 END
FROM n;
INSERT INTO cycles (id, label, year, level, framework_sha, ref_date,
                    submit_deadline, review_deadline, title, state, version,
                    created_at, updated_at)
SELECT 1000000, 'bulk-2024', 2024, 'commune', sha, '2024-12-31', '', '',
       'Chỉ số DTI cấp xã 2024', 'open', 1, '2024-03-01T08:00:00Z',
       '2024-03-01T08:00:00Z'
FROM frameworks ORDER BY sha LIMIT 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @communes)
INSERT INTO submissions (id, cycle_id, unit_id, state, version, updated_at,
                         updated_by)
SELECT 1000000 + i, 1000000, printf('X%05d', i), 'draft', 1,
       '2024-03-02T08:00:00Z', 'bulk'
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @communes),
     k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 20)
INSERT INTO figures (submission_id, indicator, value, self_points, comment,
                     reviewed_value, review_reason, reviewed_by, updated_at,
                     updated_by)
SELECT 1000000 + i, printf('I%02d', j),
       CASE WHEN (i + j) % 13 = 0 THEN NULL ELSE (i * j % 1000) / 7.0 END,
       CASE WHEN j % 3 = 0 THEN NULL ELSE (i + j) % 10 END,
       CASE WHEN (i * j) % 50 = 0 THEN 'Số liệu "ước tính", xem\tphụ lục' ELSE '' END,
       NULL, '', '', '2024-03-03T08:00:00Z', 'bulk'
FROM n, k;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO blobs (sha, size, media_type, data)
SELECT printf('%064d', i), 20000 + i, 'application/pdf',
       randomblob(20000 + i)
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO evidence (id, submission_id, indicator, doc_number, doc_date,
                      issuer, title, link, blob_sha, filename, added_at,
                      added_by)
SELECT 1000000 + i, 1000000 + i, 'I01', i || '/QĐ-UBND', '2024-02-01',
       'UBND xã', 'Quyết định ' || i, '', printf('%064d', i),
       'qd-' || i || '.pdf', '2024-03-04T08:00:00Z', 'bulk'
FROM n;
COMMIT;
