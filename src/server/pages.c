/*
 * src/server/pages.c - the public pages of dti serve: what a journalist or
 * a province reads on publication day, without signing in and without
 * scripts (web/dti.js only sorts tables and filters as one types).
 *
 *   /                       published cycles, the latest first
 *   /cycles/{c}             the ranking: value, rank, changes, pillars;
 *                           ?group= (region) and ?q= (name, with or
 *                           without diacritics)
 *   /cycles/{c}/units/{u}   a unit's profile: values, ranks, changes, the
 *                           press-release sentence, strengths, weaknesses
 *                           and what would move it up
 *   /cycles/{c}/compare     two to four units side by side (?u=...)
 *   /cycles/{c}/methodology the framework: tree, points, sources, status
 *   /static/dti.css, /static/dti.js
 * Each page is in Vietnamese; the same path under /en is in English.
 *
 * Invariants:
 *   - Pages read published data only (dti/views.h), like the public API;
 *     an unpublished or unknown cycle is a 404 page that says nothing of it.
 *   - Text reaches the page only through html.h's escaping calls.
 *   - A rendered page of a published cycle is kept in the cache of
 *     published data (published.c) under its path, language and query, and
 *     served with ETag and Last-Modified.
 *   - Vietnamese numbers have a decimal comma (0,6735); dates are
 *     dd/mm/yyyy; a missing value is "–", never 0.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/embedded.h"
#include "html.h"
#include "page.h"
#include "server.h"

/* The page assets, bundled at build time (web/). */
extern const struct dti_embedded_file srv_web_files[];

static const char type_html[] = "text/html; charset=utf-8";

/* ---- Words ---------------------------------------------------------------
 */

struct word {
	const char *key, *vi, *en;
};

static const struct word words[] = {
    {"site", "Chỉ số chuyển đổi số", "Digital transformation index"},
    {"skip", "Bỏ qua, đến nội dung chính", "Skip to the content"},
    {"nav", "Các trang", "Pages"},
    {"home", "Trang chủ", "Home"},
    {"ranking", "Xếp hạng", "Ranking"},
    {"compare", "So sánh", "Compare"},
    {"methodology", "Phương pháp", "Methodology"},
    {"map", "Bản đồ", "Map"},
    {"data_table", "Bảng số liệu", "Data table"},
    {"map_title", "Bản đồ ô các tỉnh, thành phố", "Tile map of the provinces"},
    {"map_note",
     "Mỗi ô là một tỉnh, đặt gần đúng vị trí địa lý; không phải ranh giới hành "
     "chính.",
     "Each square is a province, placed roughly where it lies; not its "
     "boundaries."},
    {"chart_radar",
     "Các chỉ số chính so với trung bình chung và trung bình vùng",
     "Main indicators beside the mean of all and of the region"},
    {"chart_bars", "Chỉ số và các trụ cột so với trung bình",
     "Index and pillars beside the means"},
    {"chart_trend", "Giá trị và thứ hạng qua các năm",
     "Value and rank over the years"},
    {"chart_dist", "Vị trí trong phân bố của mọi đơn vị",
     "Among every unit's values"},
    {"embed", "Nhúng biểu đồ (SVG)", "Embed the chart (SVG)"},
    {"other_lang", "English", "Tiếng Việt"},
    {"work", "Công việc", "Work"},
    {"sign_in", "Đăng nhập", "Sign in"},
    {"sign_out", "Đăng xuất", "Sign out"},
    {"user_name", "Tên đăng nhập", "User name"},
    {"password", "Mật khẩu", "Password"},
    {"sign_in_failed", "Sai tên đăng nhập hoặc mật khẩu.",
     "Wrong user name or password."},
    {"too_many", "Đăng nhập sai quá nhiều lần: hãy thử lại sau.",
     "Too many failed sign-ins: try again later."},
    {"open_cycles", "Các kỳ đánh giá đang diễn ra", "Assessments in progress"},
    {"no_open", "Không có kỳ đánh giá nào đang diễn ra.",
     "No assessment is in progress."},
    {"state", "Trạng thái", "State"},
    {"st_draft", "Nháp", "Draft"},
    {"st_submitted", "Đã nộp", "Submitted"},
    {"st_returned", "Bị trả lại", "Returned"},
    {"st_approved", "Đã duyệt", "Approved"},
    {"st_excluded", "Loại khỏi đánh giá", "Excluded"},
    {"cy_draft", "Đang chuẩn bị", "Being prepared"},
    {"cy_open", "Đang nhập số liệu", "Open for figures"},
    {"cy_review", "Đang thẩm định", "Under review"},
    {"cy_closed", "Đã khoá", "Closed"},
    {"cy_published", "Đã công bố", "Published"},
    {"deadline", "Hạn nộp", "Submission deadline"},
    {"updated", "Cập nhật", "Updated"},
    {"figures_n", "Số chỉ tiêu đã nhập", "Figures entered"},
    {"submission", "Hồ sơ", "Submission"},
    {"returned_with",
     "Hồ sơ bị trả lại với ý kiến:", "Returned with the comment:"},
    {"figure", "Số liệu", "Figure"},
    {"target", "Cách chấm, đơn vị", "Rule, unit"},
    {"reviewed", "Giá trị thẩm định", "Reviewed value"},
    {"reason", "Lý do", "Reason"},
    {"save", "Lưu nháp", "Save draft"},
    {"submit", "Nộp hồ sơ", "Submit"},
    {"approve", "Duyệt", "Approve"},
    {"new_cycle", "Tạo kỳ đánh giá", "A new assessment"},
    {"label", "Mã kỳ", "Label"},
    {"create", "Tạo", "Create"},
    {"add_framework", "Thêm bộ chỉ số", "Add a framework"},
    {"done_framework", "Đã thêm bộ chỉ số.", "Framework added."},
    {"review_deadline", "Hạn thẩm định", "Review deadline"},
    {"audit", "Nhật ký thay đổi", "Audit log"},
    {"verify", "Kiểm tra tính toàn vẹn", "Verify its integrity"},
    {"intact", "Nhật ký và dữ liệu toàn vẹn",
     "The log and the data are intact"},
    {"not_intact", "Phát hiện sai lệch", "Found a difference"},
    {"action", "Thao tác", "Action"},
    {"object", "Đối tượng", "Object"},
    {"approve_all", "Duyệt mọi hồ sơ đã nộp", "Approve every submitted one"},
    {"all_states", "Mọi trạng thái", "Every state"},
    {"return", "Trả lại", "Return"},
    {"comment", "Ý kiến", "Comment"},
    {"adjust", "Điều chỉnh", "Adjust"},
    {"evidence", "Minh chứng", "Evidence"},
    {"whole_submission", "Cả hồ sơ", "The whole submission"},
    {"doc_number", "Số văn bản", "Document number"},
    {"doc_date", "Ngày ban hành", "Date issued"},
    {"doc_title", "Trích yếu", "Title"},
    {"file", "Tệp", "File"},
    {"upload", "Tải lên", "Upload"},
    {"done_uploaded", "Đã tải minh chứng lên.", "Evidence uploaded."},
    {"done_form_imported",
     "Đã nhận biểu mẫu: số liệu và minh chứng đã được "
     "lưu.",
     "Form received: its figures and evidence are saved."},
    {"form_title", "Biểu mẫu Excel", "Excel form"},
    {"form_download", "Tải biểu mẫu (.xlsx)", "Download the form (.xlsx)"},
    {"form_hint", "điền các ô màu vàng trong Excel rồi gửi lại tệp ở đây",
     "fill in its yellow cells in Excel, then send the file back here"},
    {"form_filled", "Biểu mẫu đã điền", "Filled form"},
    {"form_send", "Gửi biểu mẫu", "Send the form"},
    {"preview", "Điểm dự kiến", "Likely score"},
    {"likely_rank", "Hạng dự kiến", "Likely rank"},
    {"in_field_of", "So với", "In the field of"},
    {"users", "Người dùng và vai trò", "Users and roles"},
    {"display_name", "Họ tên", "Full name"},
    {"roles", "Vai trò", "Roles"},
    {"role", "Vai trò", "Role"},
    {"sign_in_with", "Đăng nhập bằng", "Signs in with"},
    {"revoke", "Thu hồi", "Revoke"},
    {"disabled", "đã khoá", "disabled"},
    {"tokens_only", "chỉ mã API", "API tokens only"},
    {"add_user", "Thêm người dùng", "Add a user"},
    {"grant_role", "Cấp vai trò", "Grant a role"},
    {"grant", "Cấp", "Grant"},
    {"unit_of_editor", "Đơn vị (vai trò nhập liệu)", "Unit (for an editor)"},
    {"registry", "Danh mục đơn vị", "Units registry"},
    {"import_units", "Nhập danh mục đơn vị", "Import a units registry"},
    {"units_n", "đơn vị, mọi thời kỳ", "units, every period"},
    {"code", "Mã", "Code"},
    {"valid_from", "Hiệu lực từ", "Valid from"},
    {"valid_to", "Hiệu lực đến", "Valid until"},
    {"successors", "Đơn vị kế thừa", "Successors"},
    {"done_user_added", "Đã thêm người dùng.", "User added."},
    {"done_role_granted", "Đã cấp vai trò.", "Role granted."},
    {"done_role_revoked", "Đã thu hồi vai trò.", "Role revoked."},
    {"done_units_imported", "Đã nhập danh mục đơn vị.",
     "Units registry imported."},
    {"preview_live", "Điểm dự kiến tính lại khi nhập số liệu, trước khi lưu.",
     "The likely score follows the figures as they are typed, before "
     "they are saved."},
    {"preview_updating", "Đang tính lại…", "Computing…"},
    {"preview_of_typed", "Điểm dự kiến theo số liệu đang nhập (chưa lưu).",
     "The likely score of the figures typed (not saved yet)."},
    {"done_saved", "Đã lưu.", "Saved."},
    {"done_submitted", "Đã nộp hồ sơ.", "Submitted."},
    {"done_approved", "Đã duyệt hồ sơ.", "Approved."},
    {"done_returned", "Đã trả lại hồ sơ.", "Returned."},
    {"done_adjusted", "Đã điều chỉnh.", "Adjusted."},
    {"done_moved", "Đã chuyển trạng thái kỳ đánh giá.", "The cycle moved on."},
    {"done_published", "Đã công bố.", "Published."},
    {"stale", "Hồ sơ vừa được người khác thay đổi: hãy tải lại trang.",
     "Someone else changed this submission: reload the page."},
    {"cycle_actions", "Chuyển trạng thái kỳ", "Move the cycle on"},
    {"to_open", "Mở nhập số liệu", "Open for figures"},
    {"to_review", "Chuyển sang thẩm định", "Start the review"},
    {"to_closed", "Khoá kỳ đánh giá", "Close"},
    {"publish", "Công bố", "Publish"},
    {"publish_preview", "Bảng xếp hạng sẽ công bố", "The ranking to publish"},
    {"published", "Công bố ngày", "Published on"},
    {"cycles", "Các kỳ đánh giá đã công bố", "Published assessments"},
    {"no_cycles", "Chưa có kỳ đánh giá nào được công bố.",
     "No assessment has been published yet."},
    {"year", "Năm", "Year"},
    {"level", "Cấp", "Level"},
    {"units", "Số đơn vị", "Units"},
    {"rank", "Hạng", "Rank"},
    {"unit", "Đơn vị", "Unit"},
    {"region", "Vùng", "Region"},
    {"all_regions", "Tất cả các vùng", "All regions"},
    {"value", "Giá trị", "Value"},
    {"change_value", "Thay đổi giá trị", "Change in value"},
    {"change_rank", "Thay đổi thứ hạng", "Change in rank"},
    {"since", "so với", "since"},
    {"search", "Tìm theo tên", "Search by name"},
    {"filter", "Lọc", "Filter"},
    {"downloads", "Tải dữ liệu", "Downloads"},
    {"csv", "Bảng xếp hạng (CSV)", "Ranking (CSV)"},
    {"json", "Bảng xếp hạng (JSON)", "Ranking (JSON)"},
    {"synthetic", "Dữ liệu minh hoạ, không phải số liệu thật.",
     "Synthetic demo data, not real figures."},
    {"partial", "Công bố một phần: một số giá trị chưa biết.",
     "Partial publication: some values are unknown."},
    {"missing", "chưa có", "no value"},
    {"unknown", "chưa biết", "unknown"},
    {"not_ranked", "không xếp hạng", "not ranked"},
    {"no_rows", "Không có đơn vị nào khớp.", "No unit matches."},
    {"profile", "Hồ sơ", "Profile"},
    {"standing", "Vị trí", "Standing"},
    {"group_rank", "Hạng trong vùng", "Rank in region"},
    {"nodes", "Chỉ số thành phần", "Components"},
    {"over_years", "Qua các năm", "Over the years"},
    {"strengths", "Điểm mạnh", "Strengths"},
    {"weaknesses", "Điểm yếu", "Weaknesses"},
    {"move_up", "Để tăng hạng", "To move up"},
    {"leader", "Dẫn đầu", "Leader"},
    {"median", "Trung vị", "Median"},
    {"indicator", "Chỉ tiêu", "Indicator"},
    {"points", "Điểm", "Points"},
    {"points_unit", "điểm", "points"},
    {"lost", "Điểm bị mất", "Points lost"},
    {"not_explained", "Không có giải thích cho đơn vị này.",
     "No explanation for this unit."},
    {"compare_title", "So sánh các đơn vị", "Units side by side"},
    {"compare_pick", "Chọn từ 2 đến 4 đơn vị", "Pick 2 to 4 units"},
    {"compare_go", "So sánh", "Compare"},
    {"compare_bad", "Hãy chọn từ 2 đến 4 đơn vị khác nhau.",
     "Pick 2 to 4 different units."},
    {"framework", "Bộ chỉ số", "Framework"},
    {"version", "Phiên bản", "Version"},
    {"source", "Nguồn", "Source"},
    {"status", "Tình trạng", "Status"},
    {"official", "chính thức", "official"},
    {"inferred", "suy ra từ tài liệu công khai",
     "inferred from public material"},
    {"example", "ví dụ minh hoạ", "illustrative example"},
    {"points_unknown", "điểm chưa công bố", "points not published"},
    {"rule", "Cách chấm", "Rule"},
    {"not_found", "Không tìm thấy trang", "Page not found"},
    {"not_found_text",
     "Trang này không có, hoặc kỳ đánh giá chưa được công bố.",
     "There is no such page, or the assessment is not published."},
    {"footer",
     "Số liệu từ kho dữ liệu của dti; mọi con số đều truy được "
     "về phiên bản bộ chỉ số và bản công bố.",
     "Figures from the dti store; every number traces back to its "
     "framework version and publication."},
    {NULL, NULL, NULL},
};

const char *tr(enum dti_lang lang, const char *key)
{
	for (const struct word *w = words; w->key; w++)
		if (strcmp(w->key, key) == 0)
			return lang == DTI_LANG_VI ? w->vi : w->en;
	return key;
}

/* ---- Requests ------------------------------------------------------------
 */

/* The language of a page: /en/... is English, the rest Vietnamese. */
enum dti_lang page_lang(const struct srv_req *q)
{
	return strncmp(q->path, "/en/", 4) == 0 || strcmp(q->path, "/en") == 0
	           ? DTI_LANG_EN
	           : DTI_LANG_VI;
}

/* The prefix of a page's links in its language: "" or "/en". */
const char *page_prefix(enum dti_lang lang)
{
	return lang == DTI_LANG_EN ? "/en" : "";
}

/* "2023-03-15T..." as dd/mm/yyyy (vi) or yyyy-mm-dd (en). */
void page_date(struct html *h, const char *at)
{
	if (!at || strlen(at) < 10) {
		html_text(h, "\xe2\x80\x93");
		return;
	}
	if (h->lang == DTI_LANG_VI)
		html_textf(h, "%.2s/%.2s/%.4s", at + 8, at + 5, at);
	else
		html_textf(h, "%.10s", at);
}

/* A link's URL: prefix, then literal parts and path segments. */
void url_cycle(struct dti_buf *u, enum dti_lang lang, const char *cycle,
               const char *rest)
{
	dti_buf_reset(u);
	dti_buf_adds(u, page_prefix(lang));
	dti_buf_adds(u, "/cycles/");
	html_url_segment(u, cycle);
	if (rest)
		dti_buf_adds(u, rest);
}

void url_unit(struct dti_buf *u, enum dti_lang lang, const char *cycle,
              const char *unit)
{
	url_cycle(u, lang, cycle, "/units/");
	html_url_segment(u, unit);
}

/* ---- The frame of every page -------------------------------------------
 */

void page_init(struct page *p, const struct srv_req *q)
{
	dti_buf_init(&p->body, 0);
	dti_buf_init(&p->url, 0);
	html_init(&p->h, &p->body, page_lang(q));
	p->q = q;
	p->csrf = NULL;
}

void page_release(struct page *p)
{
	dti_buf_release(&p->body);
	dti_buf_release(&p->url);
}

static void nav_item(struct page *p, enum nav which, enum nav active,
                     const char *key, const char *href)
{
	struct html *h = &p->h;
	HTML_LIT(h, "<li>");
	html_tag(h, "a", "href", href, "aria-current",
	         which == active ? "page" : NULL);
	html_text(h, tr(h->lang, key));
	HTML_LIT(h, "</a></li>");
}

/*
 * The head, the site's header with its navigation (the cycle's pages when
 * cycle is given) and the language switch, and <main>.
 */
void page_begin(struct page *p, const char *title, const char *cycle,
                enum nav active)
{
	struct html *h = &p->h;
	enum dti_lang lang = h->lang;
	HTML_LIT(h, "<!DOCTYPE html>\n");
	html_tag(h, "html", "lang", lang == DTI_LANG_VI ? "vi" : "en");
	HTML_LIT(h, "<head><meta charset=\"utf-8\">"
	            "<meta name=\"viewport\" content=\"width=device-width, "
	            "initial-scale=1\"><title>");
	html_text(h, title);
	html_text(h, " \xe2\x80\x94 ");
	html_text(h, tr(lang, "site"));
	/* no icon to fetch (a browser would ask for /favicon.ico) */
	HTML_LIT(h, "</title><link rel=\"icon\" href=\"data:,\">"
	            "<link rel=\"stylesheet\" href=\"/static/dti.css\">"
	            "<script src=\"/static/dti.js\" defer></script></head>\n"
	            "<body><a class=\"skip\" href=\"#main\">");
	html_text(h, tr(lang, "skip"));
	HTML_LIT(h, "</a><header class=\"site\">");
	dti_buf_reset(&p->url);
	dti_buf_adds(&p->url, lang == DTI_LANG_EN ? "/en" : "/");
	html_tag(h, "a", "class", "brand", "href", p->url.data);
	html_text(h, tr(lang, "site"));
	HTML_LIT(h, "</a>");
	html_tag(h, "nav", "aria-label", tr(lang, "nav"));
	HTML_LIT(h, "<ul>");
	nav_item(p, NAV_HOME, active, "home", p->url.data);
	if (cycle) {
		url_cycle(&p->url, lang, cycle, NULL);
		nav_item(p, NAV_RANKING, active, "ranking", p->url.data);
		url_cycle(&p->url, lang, cycle, "/compare");
		nav_item(p, NAV_COMPARE, active, "compare", p->url.data);
		url_cycle(&p->url, lang, cycle, "/map");
		nav_item(p, NAV_MAP, active, "map", p->url.data);
		url_cycle(&p->url, lang, cycle, "/methodology");
		nav_item(p, NAV_METHOD, active, "methodology", p->url.data);
	}
	dti_buf_reset(&p->url);
	dti_buf_adds(&p->url, page_prefix(lang));
	dti_buf_adds(&p->url, "/work");
	nav_item(p, NAV_WORK, active, p->csrf ? "work" : "sign_in",
	         p->url.data);
	HTML_LIT(h, "</ul></nav>");
	if (p->csrf) {
		/* who is signed in, and the way out (a POST, with the token) */
		dti_buf_reset(&p->url);
		dti_buf_adds(&p->url, page_prefix(lang));
		dti_buf_adds(&p->url, "/logout");
		html_tag(h, "form", "class", "signout", "method", "post",
		         "action", p->url.data);
		html_tag(h, "input", "type", "hidden", "name", "csrf", "value",
		         p->csrf);
		html_elem(h, "span", p->q->user);
		HTML_LIT(h, " <button type=\"submit\">");
		html_text(h, tr(lang, "sign_out"));
		HTML_LIT(h, "</button></form>");
	}
	/* the same page in the other language */
	dti_buf_reset(&p->url);
	const char *path = p->q->path;
	if (lang == DTI_LANG_EN) {
		dti_buf_adds(&p->url, path[3] ? path + 3 : "/");
	} else {
		dti_buf_adds(&p->url, "/en");
		if (strcmp(path, "/") != 0)
			dti_buf_adds(&p->url, path);
	}
	html_tag(h, "a", "class", "lang", "href", p->url.data, "lang",
	         lang == DTI_LANG_VI ? "en" : "vi");
	html_text(h, tr(lang, "other_lang"));
	HTML_LIT(h, "</a></header>\n<main id=\"main\">");
}

void page_end(struct page *p)
{
	struct html *h = &p->h;
	HTML_LIT(h, "</main>\n<footer class=\"site\"><p>");
	html_text(h, tr(h->lang, "footer"));
	HTML_LIT(h, "</p><p>dti ");
	html_text(h, dti_version());
	HTML_LIT(h, "</p></footer></body></html>\n");
}

/* The notes every page of a published cycle carries. */
static void cycle_notes(struct page *p, const struct dti_view_cycle *ci)
{
	struct html *h = &p->h;
	HTML_LIT(h, "<p class=\"meta\">");
	html_text(h, tr(h->lang, "published"));
	HTML_LIT(h, " ");
	page_date(h, ci->published_at);
	HTML_LIT(h, ". ");
	html_textf(h,
	           h->lang == DTI_LANG_VI
	               ? "Giá trị làm tròn đến %d chữ số thập phân."
	               : "Values rounded to %d decimals.",
	           ci->precision);
	HTML_LIT(h, "</p>");
	if (ci->synthetic) {
		HTML_LIT(h, "<p class=\"notice\">");
		html_text(h, tr(h->lang, "synthetic"));
		HTML_LIT(h, "</p>");
	}
	if (ci->partial) {
		HTML_LIT(h, "<p class=\"notice\">");
		html_text(h, tr(h->lang, "partial"));
		HTML_LIT(h, "</p>");
	}
}

/* The title of a cycle: its framework's title and year, else its label. */
static void cycle_title(struct dti_buf *t, const struct dti_view_cycle *ci,
                        enum dti_lang lang)
{
	if (ci->framework_title && *ci->framework_title)
		dti_buf_addf(t, lang == DTI_LANG_VI ? "%s, năm %d" : "%s, %d",
		             ci->framework_title, ci->year);
	else
		dti_buf_adds(t, ci->cycle);
}

/* Sends a built page through the cache of published data. */
void page_send(struct srv_req *q, struct srv_resp *r, struct page *p,
               const struct srv_cached *epoch, const char *key,
               const char *published_at)
{
	if (dti_buf_status(&p->body) != DTI_OK) {
		srv_problem_dti(r, DTI_ENOMEM, NULL, 0);
		return;
	}
	long long t = srv_parse_utc(published_at);
	if (key)
		srv_pub_serve(q, r, epoch, key, type_html, &p->body,
		              t > 0 ? t : 0);
	else {
		r->status = 200;
		r->type = type_html;
		dti_buf_reset(&r->body);
		dti_buf_add(&r->body, p->body.data, p->body.len);
	}
}

/* The 404 page, for a page path that leads nowhere. */
void page_not_found(struct srv_req *q, struct srv_resp *r)
{
	struct page p;
	page_init(&p, q);
	page_begin(&p, tr(p.h.lang, "not_found"), NULL, NAV_NONE);
	HTML_LIT(&p.h, "<h1>");
	html_text(&p.h, tr(p.h.lang, "not_found"));
	HTML_LIT(&p.h, "</h1><p>");
	html_text(&p.h, tr(p.h.lang, "not_found_text"));
	HTML_LIT(&p.h, "</p>");
	page_end(&p);
	dti_buf_reset(&r->body);
	dti_buf_add(&r->body, p.body.data, p.body.len);
	r->status = 404;
	r->type = type_html;
	page_release(&p);
}

/*
 * A failed read of a cycle's published data: a page for what a reader may
 * be told (not published, no such unit: 404), a problem otherwise.
 */
static void page_failed(struct srv_req *q, struct srv_resp *r,
                        enum dti_status st, const struct dti_error *err)
{
	if (st == DTI_ENOTFOUND || st == DTI_ESTATE || st == DTI_EPERM)
		page_not_found(q, r);
	else
		srv_problem_dti(r, st, err, 0);
}

/*
 * The cache key of a page: its path (which holds the language) and the
 * query arguments given, in order.  0, or -1 with a problem.
 */
static int page_key(struct srv_req *q, struct srv_resp *r, struct dti_buf *key,
                    const char *cycle)
{
	const char *parts[SRV_MAX_PARAMS * 2 + 2];
	size_t n = 0;
	parts[n++] = q->path;
	for (size_t i = 0;
	     i < q->nquery && n + 2 <= sizeof parts / sizeof *parts; i++) {
		parts[n++] = q->query[i].name;
		parts[n++] = q->query[i].value ? q->query[i].value : "";
	}
	return srv_pub_key(key, r, "page", parts, n, cycle);
}

/*
 * A published page from the cache when it is there: 1 when r is answered
 * (from the cache, or a problem) and key released; 0 to render it, with
 * key made and the cache's generation in *epoch.
 */
static int page_cached(struct srv_req *q, struct srv_resp *r,
                       struct dti_buf *key, const char *cycle,
                       const struct srv_cached **epoch)
{
	if (page_key(q, r, key, cycle)) {
		dti_buf_release(key);
		return 1;
	}
	*epoch = srv_pub_epoch(q);
	const struct srv_cached *c = srv_cache_get(q->srv, key->data);
	if (!c)
		return 0;
	srv_resp_cached(r, c);
	dti_buf_release(key);
	return 1;
}

/* The value cell of a view cell: value, "–" missing, "?" unknown. */
static void value_td(struct page *p, const struct dti_view_cell *c,
                     int decimals, const char *extra_class)
{
	struct html *h = &p->h;
	dti_buf_reset(&p->url);
	if (!c->unknown && !isnan(c->value))
		dti_buf_addf(&p->url, "%.*f", decimals, c->value);
	html_tag(h, "td", "class", extra_class ? extra_class : "num",
	         "data-sort", p->url.data ? p->url.data : "");
	if (c->unknown) {
		html_tag(h, "span", "class", "missing", "title",
		         tr(h->lang, "unknown"));
		HTML_LIT(h, "?</span>");
	} else if (isnan(c->value)) {
		html_tag(h, "span", "class", "missing", "title",
		         tr(h->lang, "missing"));
		html_num(h, NAN, 0);
		HTML_LIT(h, "</span>");
	} else {
		html_num(h, c->value, decimals);
	}
	HTML_LIT(h, "</td>");
}

/* The change cells (value, places) since the first earlier cycle. */
static void change_tds(struct page *p, const struct dti_view_cell *c,
                       size_t nearlier, int decimals)
{
	struct html *h = &p->h;
	const struct dti_view_change *ch = nearlier ? &c->changes[0] : NULL;
	/* value */
	if (!ch || isnan(ch->value_change)) {
		HTML_LIT(h, "<td class=\"num wide\"><span class=\"missing\">");
		html_num(h, NAN, 0);
		HTML_LIT(h, "</span></td>");
	} else {
		dti_buf_reset(&p->url);
		dti_buf_addf(&p->url, "%.*f", decimals, ch->value_change);
		html_tag(h, "td", "class", "num wide", "data-sort",
		         p->url.data);
		if (ch->value_change > 0)
			HTML_LIT(h, "+");
		html_num(h, ch->value_change, decimals);
		HTML_LIT(h, "</td>");
	}
	/* places, with an arrow and words for screen readers */
	if (!ch || !ch->has_rank) {
		HTML_LIT(h, "<td class=\"num\"><span class=\"missing\">");
		html_num(h, NAN, 0);
		HTML_LIT(h, "</span></td>");
		return;
	}
	dti_buf_reset(&p->url);
	dti_buf_addf(&p->url, "%d", ch->rank_change);
	html_tag(h, "td", "class", "num", "data-sort", p->url.data);
	int up = ch->rank_change > 0, down = ch->rank_change < 0;
	int places = abs(ch->rank_change);
	const char *words_vi = up ? "tăng" : down ? "giảm" : "giữ nguyên";
	const char *words_en = up ? "up" : down ? "down" : "unchanged";
	dti_buf_reset(&p->url);
	if (up || down)
		dti_buf_addf(&p->url, "%s %d %s",
		             h->lang == DTI_LANG_VI ? words_vi : words_en,
		             places,
		             h->lang == DTI_LANG_VI ? "bậc"
		             : places == 1          ? "place"
		                                    : "places");
	else
		dti_buf_adds(&p->url,
		             h->lang == DTI_LANG_VI ? words_vi : words_en);
	html_tag(h, "span", "class",
	         up     ? "up"
	         : down ? "down"
	                : "same",
	         "title", p->url.data);
	if (up)
		html_textf(h, "\xe2\x96\xb2 %d", places); /* ▲ */
	else if (down)
		html_textf(h, "\xe2\x96\xbc %d", places); /* ▼ */
	else
		html_text(h, "=");
	HTML_LIT(h, "</span><span class=\"skip\"> (");
	html_text(h, p->url.data);
	HTML_LIT(h, ")</span></td>");
}

void table_wrap(struct html *h)
{
	/* focusable, so that a table wider than a phone can be scrolled
	   from the keyboard */
	html_tag(h, "div", "class", "table-wrap", "tabindex", "0", "role",
	         "region", "aria-label", tr(h->lang, "data_table"));
}

/* ---- Charts ----------------------------------------------------------------
 */

/* The bundled tile layouts (63 and 34 provinces), parsed; n of them. */
static size_t tile_layouts(struct dti_tile_layout *out[2])
{
	static const char *const names[] = {"tiles-63.csv", "tiles-34.csv"};
	size_t n = 0;
	for (size_t k = 0; k < 2; k++) {
		out[k] = NULL;
		for (const struct dti_embedded_file *f = dti_embedded_files;
		     f->name; f++) {
			if (strcmp(f->name, names[k]) != 0)
				continue;
			struct dti_error err = DTI_ERROR_INIT;
			struct dti_tile_layout *l = NULL;
			if (dti_tile_layout_parse(f->data, f->len, f->name, &l,
			                          &err) == DTI_OK)
				out[n++] = l;
			dti_error_release(&err);
		}
	}
	return n;
}

/*
 * A chart of the cycle in a <figure> with its caption; nothing when it
 * cannot be drawn (the tables beside it carry the same numbers).
 */
static void page_chart(struct page *p, struct srv_req *q, const char *cycle,
                       enum dti_view_chart kind, const char *unit,
                       const char *prefix, const char *caption_key,
                       struct dti_buf *svg_out)
{
	struct html *h = &p->h;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = h->lang;
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.lang = h->lang;
	co.id_prefix = prefix;
	co.show_title = 0;
	co.decimals = DTI_CHART_DECIMALS_PUBLISHED;
	co.width = kind == DTI_VIEW_CHART_MAP ? 480 : 640;
	struct dti_tile_layout *tl[2] = {NULL, NULL};
	size_t ntl = kind == DTI_VIEW_CHART_MAP ? tile_layouts(tl) : 0;
	struct dti_buf svg = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_chart(
	    q->store, cycle, kind, unit, &vo, &co, ntl,
	    (const struct dti_tile_layout *const *)tl, &svg, &err);
	if (st == DTI_OK) {
		HTML_LIT(h, "<figure>");
		html_svg(h, &svg);
		HTML_LIT(h, "<figcaption>");
		html_text(h, tr(h->lang, caption_key));
		HTML_LIT(h, "</figcaption></figure>");
		if (svg_out)
			dti_buf_add(svg_out, svg.data, svg.len);
	}
	dti_buf_release(&svg);
	dti_error_release(&err);
	for (size_t k = 0; k < 2; k++)
		dti_tile_layout_free(tl[k]);
}

/* ---- Home ------------------------------------------------------------------
 */

static void h_home(struct srv_req *q, struct srv_resp *r)
{
	struct page p;
	page_init(&p, q);
	struct html *h = &p.h;
	struct dti_cycle_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_list(q->store, &l, &err);
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		page_release(&p);
		return;
	}
	page_begin(&p, tr(h->lang, "cycles"), NULL, NAV_HOME);
	HTML_LIT(h, "<h1>");
	html_text(h, tr(h->lang, "cycles"));
	HTML_LIT(h, "</h1>");
	size_t shown = 0;
	for (size_t k = l->n; k-- > 0;) {
		const struct dti_cycle_info *ci = &l->cycles[k];
		if (ci->state != DTI_CYCLE_PUBLISHED)
			continue;
		if (!shown++) {
			table_wrap(h);
			HTML_LIT(h, "<table><thead>"
			            "<tr><th scope=\"col\">");
			html_text(h, tr(h->lang, "ranking"));
			HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
			html_text(h, tr(h->lang, "year"));
			HTML_LIT(h, "</th><th scope=\"col\">");
			html_text(h, tr(h->lang, "level"));
			HTML_LIT(h, "</th><th scope=\"col\">");
			html_text(h, tr(h->lang, "framework"));
			HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
			html_text(h, tr(h->lang, "units"));
			HTML_LIT(h, "</th></tr></thead><tbody>");
		}
		HTML_LIT(h, "<tr><td>");
		url_cycle(&p.url, h->lang, ci->label, NULL);
		html_elem(h, "a", ci->label, "href", p.url.data);
		HTML_LIT(h, "</td><td class=\"num\">");
		html_textf(h, "%d", ci->year);
		HTML_LIT(h, "</td><td>");
		html_text(h, ci->level);
		HTML_LIT(h, "</td><td>");
		html_textf(h, "%s %s", ci->framework_id, ci->framework_version);
		HTML_LIT(h, "</td><td class=\"num\">");
		html_textf(h, "%lld", ci->count[DTI_SUB_APPROVED]);
		HTML_LIT(h, "</td></tr>");
	}
	if (shown)
		HTML_LIT(h, "</tbody></table></div>");
	else {
		HTML_LIT(h, "<p>");
		html_text(h, tr(h->lang, "no_cycles"));
		HTML_LIT(h, "</p>");
	}
	dti_cycle_list_free(l);
	page_end(&p);
	/* the list changes with every publication: not cached, no-store */
	page_send(q, r, &p, NULL, NULL, NULL);
	page_release(&p);
}

/* ---- Ranking ---------------------------------------------------------------
 */

/* 1 if name matches the folded query (substring of the folded name). */
static int name_matches(const char *name, const char *folded_query)
{
	if (!folded_query || !*folded_query)
		return 1;
	char f[512];
	dti_text_fold(name, f, sizeof f);
	return strstr(f, folded_query) != NULL;
}

/* The groups (regions) of a ranking's rows, each once, in order seen. */
static size_t ranking_groups(const struct dti_ranking *rk, const char **out,
                             size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < rk->nrows; i++) {
		const char *g = rk->rows[i].group;
		if (!g || !*g)
			continue;
		size_t k = 0;
		while (k < n && strcmp(out[k], g) != 0)
			k++;
		if (k == n && n < max)
			out[n++] = g;
	}
	return n;
}

/* A region's name from the bundled registry of regions, else its code. */
static const char *group_name(const char *code, enum dti_lang lang, char *buf,
                              size_t n)
{
	snprintf(buf, n, "%s", code);
	for (const struct dti_embedded_file *f = dti_embedded_files; f->name;
	     f++) {
		if (strcmp(f->name, "regions.csv") != 0)
			continue;
		/* lines: group,name_vi,name_en */
		const char *p = f->data, *end = f->data + f->len;
		size_t cl = strlen(code);
		while (p < end) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			if (!eol)
				eol = end;
			if ((size_t)(eol - p) > cl + 1 &&
			    strncmp(p, code, cl) == 0 && p[cl] == ',') {
				const char *vi = p + cl + 1;
				const char *comma =
				    memchr(vi, ',', (size_t)(eol - vi));
				if (comma) {
					const char *s = lang == DTI_LANG_VI
					                    ? vi
					                    : comma + 1;
					const char *e =
					    lang == DTI_LANG_VI ? comma : eol;
					if (e > s && e[-1] == '\r')
						e--;
					snprintf(buf, n, "%.*s", (int)(e - s),
					         s);
				}
				break;
			}
			p = eol + 1;
		}
	}
	return buf;
}

static void h_ranking(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	const char *group = srv_query(q, "group");
	const char *query = srv_query(q, "q");
	if (group && !*group)
		group = NULL;
	struct dti_buf key = DTI_BUF_INIT;
	const struct srv_cached *epoch = NULL;
	if (page_cached(q, r, &key, cycle, &epoch))
		return;
	struct page p;
	page_init(&p, q);
	struct html *h = &p.h;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = h->lang;
	struct dti_ranking *rk = NULL, *all = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_ranking(q->store, cycle, &vo, &all, &err);
	if (st == DTI_OK && group) {
		vo.group = group;
		st = dti_store_ranking(q->store, cycle, &vo, &rk, &err);
	}
	if (st != DTI_OK) {
		page_failed(q, r, st, &err);
		goto out;
	}
	const struct dti_ranking *show = rk ? rk : all;
	const struct dti_view_cycle *ci = &all->info;
	struct dti_buf title = DTI_BUF_INIT;
	dti_buf_adds(&title, tr(h->lang, "ranking"));
	dti_buf_adds(&title, " ");
	cycle_title(&title, ci, h->lang);
	page_begin(&p, title.data, cycle, NAV_RANKING);
	HTML_LIT(h, "<h1>");
	html_text(h, title.data);
	HTML_LIT(h, "</h1>");
	dti_buf_release(&title);
	cycle_notes(&p, ci);

	/* filters: a plain GET form, so that they work without scripts */
	url_cycle(&p.url, h->lang, cycle, NULL);
	html_tag(h, "form", "class", "filters", "method", "get", "action",
	         p.url.data, "role", "search");
	const char *groups[64];
	size_t ng = ranking_groups(all, groups, 64);
	if (ng) {
		HTML_LIT(h, "<label>");
		html_text(h, tr(h->lang, "region"));
		HTML_LIT(h, "<select name=\"group\"><option value=\"\">");
		html_text(h, tr(h->lang, "all_regions"));
		HTML_LIT(h, "</option>");
		for (size_t i = 0; i < ng; i++) {
			char nm[256];
			html_tag(h, "option", "value", groups[i], "selected",
			         group && strcmp(group, groups[i]) == 0 ? ""
			                                                : NULL);
			html_text(
			    h, group_name(groups[i], h->lang, nm, sizeof nm));
			HTML_LIT(h, "</option>");
		}
		HTML_LIT(h, "</select></label>");
	}
	HTML_LIT(h, "<label>");
	html_text(h, tr(h->lang, "search"));
	html_tag(h, "input", "type", "search", "id", "search", "name", "q",
	         "value", query ? query : "", "autocomplete", "off");
	HTML_LIT(h, "</label><button type=\"submit\">");
	html_text(h, tr(h->lang, "filter"));
	HTML_LIT(h, "</button></form>");

	/* the table: rank, unit, region, value, changes, then the pillars */
	char folded[512] = "";
	if (query)
		dti_text_fold(query, folded, sizeof folded);
	int dec = ci->precision;
	size_t nearlier = ci->nearlier;
	table_wrap(h);
	HTML_LIT(h, "<table class=\"sortable\">"
	            "<caption>");
	html_text(h, show->nnodes ? show->nodes[0].name : "");
	if (nearlier) {
		html_textf(h, " (%s %d)", tr(h->lang, "since"),
		           ci->earlier[0].year);
	}
	HTML_LIT(h, "</caption><thead><tr><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "rank"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "unit"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"wide\">");
	html_text(h, tr(h->lang, "region"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "value"));
	HTML_LIT(h, "</th>");
	if (nearlier) {
		HTML_LIT(h, "<th scope=\"col\" class=\"num wide\">");
		html_text(h, tr(h->lang, "change_value"));
		HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
		html_text(h, tr(h->lang, "change_rank"));
		HTML_LIT(h, "</th>");
	}
	for (size_t k = 1; k < show->nnodes; k++) {
		HTML_LIT(h, "<th scope=\"col\" class=\"num wide\">");
		html_text(h, show->nodes[k].name);
		HTML_LIT(h, "</th>");
	}
	HTML_LIT(h, "</tr></thead><tbody>");
	size_t shown = 0;
	for (size_t i = 0; i < show->nrows; i++) {
		const struct dti_ranking_row *row = &show->rows[i];
		if (!name_matches(row->name, folded))
			continue;
		shown++;
		char f[512];
		dti_text_fold(row->name, f, sizeof f);
		html_tag(h, "tr", "data-name", f);
		const struct dti_view_cell *c0 = &row->cells[0];
		dti_buf_reset(&p.url);
		dti_buf_addf(&p.url, "%d", c0->rank ? c0->rank : 100000);
		html_tag(h, "td", "class", "num", "data-sort", p.url.data);
		if (c0->rank)
			html_textf(h, "%d", c0->rank);
		else {
			html_tag(h, "span", "class", "missing", "title",
			         tr(h->lang, "not_ranked"));
			html_num(h, NAN, 0);
			HTML_LIT(h, "</span>");
		}
		HTML_LIT(h, "</td><th scope=\"row\">");
		url_unit(&p.url, h->lang, cycle, row->id);
		html_elem(h, "a", row->name, "href", p.url.data);
		HTML_LIT(h, "</th><td class=\"wide\">");
		if (row->group && *row->group) {
			char nm[256];
			html_text(
			    h, group_name(row->group, h->lang, nm, sizeof nm));
		}
		HTML_LIT(h, "</td>");
		value_td(&p, c0, dec, NULL);
		if (nearlier)
			change_tds(&p, c0, nearlier, dec);
		for (size_t k = 1; k < show->nnodes; k++)
			value_td(&p, &row->cells[k], dec, "num wide");
		HTML_LIT(h, "</tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");
	HTML_LIT(h, "<p class=\"muted\">");
	if (shown)
		html_textf(h,
		           h->lang == DTI_LANG_VI
		               ? "Hiển thị %zu trên %zu đơn vị."
		               : "%zu of %zu units shown.",
		           shown, all->nrows);
	else
		html_text(h, tr(h->lang, "no_rows"));
	HTML_LIT(h, "</p>");

	/* downloads: the API's own CSV and JSON of the same view */
	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, "downloads"));
	HTML_LIT(h, "</h2><ul>");
	for (int csv = 1; csv >= 0; csv--) {
		dti_buf_reset(&p.url);
		dti_buf_adds(&p.url, "/api/v1/cycles/");
		html_url_segment(&p.url, cycle);
		dti_buf_addf(&p.url, "/ranking?format=%s&lang=%s",
		             csv ? "csv" : "json",
		             h->lang == DTI_LANG_VI ? "vi" : "en");
		if (group) {
			dti_buf_adds(&p.url, "&group=");
			html_url_segment(&p.url, group);
		}
		HTML_LIT(h, "<li>");
		html_elem(h, "a", tr(h->lang, csv ? "csv" : "json"), "href",
		          p.url.data, "download", "");
		HTML_LIT(h, "</li>");
	}
	HTML_LIT(h, "</ul>");
	page_end(&p);
	page_send(q, r, &p, epoch, key.data, ci->published_at);
out:
	dti_ranking_free(rk);
	dti_ranking_free(all);
	dti_error_release(&err);
	dti_buf_release(&key);
	page_release(&p);
}

/* ---- Profile ---------------------------------------------------------------
 */

/* The name of node i of a framework in the page's language. */
const char *node_name(const struct dti_framework *fw, size_t i,
                      enum dti_lang lang)
{
	struct dti_node_info ni;
	dti_framework_node(fw, i, &ni);
	if (lang == DTI_LANG_EN && ni.name_en && *ni.name_en)
		return ni.name_en;
	return ni.name_vi && *ni.name_vi ? ni.name_vi : ni.code;
}

/* A list of explained indicators (strengths or weaknesses). */
static void item_list(struct page *p, const struct dti_profile *pf,
                      const size_t *idx, size_t n, const char *title_key)
{
	struct html *h = &p->h;
	const struct dti_explanation *ex = &pf->explanation;
	int dec = pf->info.precision;
	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, title_key));
	HTML_LIT(h, "</h2>");
	table_wrap(h);
	HTML_LIT(h, "<table><thead><tr>"
	            "<th scope=\"col\">");
	html_text(h, tr(h->lang, "indicator"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "value"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "rank"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "median"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "lost"));
	HTML_LIT(h, "</th></tr></thead><tbody>");
	for (size_t k = 0; k < n; k++) {
		const struct dti_explain_item *it = &ex->items[idx[k]];
		HTML_LIT(h, "<tr><th scope=\"row\">");
		html_text(h, node_name(pf->framework, it->node, h->lang));
		HTML_LIT(h, "</th><td class=\"num\">");
		html_num(h, it->missing ? NAN : it->value, dec);
		HTML_LIT(h, "</td><td class=\"num\">");
		if (it->rank)
			html_textf(h, "%d/%zu", it->rank, it->ranked);
		else
			html_num(h, NAN, 0);
		HTML_LIT(h, "</td><td class=\"num\">");
		html_num(h, it->median, dec);
		HTML_LIT(h, "</td><td class=\"num\">");
		html_num(h, it->lost, isnan(it->points) ? dec : 2);
		HTML_LIT(h, "</td></tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");
}

static void h_profile(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	const char *unit = srv_param(q, "unit");
	struct dti_buf key = DTI_BUF_INIT;
	const struct srv_cached *epoch = NULL;
	if (page_cached(q, r, &key, cycle, &epoch))
		return;
	struct page p;
	page_init(&p, q);
	struct html *h = &p.h;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = h->lang;
	struct dti_profile *pf = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_profile(q->store, cycle, unit, &vo, &pf, &err);
	if (st != DTI_OK) {
		page_failed(q, r, st, &err);
		goto out;
	}
	const struct dti_view_cycle *ci = &pf->info;
	int dec = ci->precision;
	struct dti_buf title = DTI_BUF_INIT;
	dti_buf_adds(&title, pf->name);
	dti_buf_adds(&title, " \xe2\x80\x94 ");
	cycle_title(&title, ci, h->lang);
	page_begin(&p, title.data, cycle, NAV_NONE);
	HTML_LIT(h, "<h1>");
	html_text(h, title.data);
	HTML_LIT(h, "</h1>");
	dti_buf_release(&title);
	cycle_notes(&p, ci);

	/* the standing on the index, in the press releases' words */
	const struct dti_view_cell *c0 = &pf->cells[0];
	HTML_LIT(h, "<div class=\"cards\"><div class=\"card\"><div>");
	html_text(h, pf->nnodes ? pf->nodes[0].name : "");
	HTML_LIT(h, "</div><div class=\"big\">");
	html_num(h, c0->unknown ? NAN : c0->value, dec);
	HTML_LIT(h, "</div></div><div class=\"card\"><div>");
	html_text(h, tr(h->lang, "rank"));
	HTML_LIT(h, "</div><div class=\"big\">");
	if (c0->rank)
		html_textf(h, "%d/%zu", c0->rank,
		           pf->nnodes ? pf->nodes[0].ranked : 0);
	else
		html_num(h, NAN, 0);
	HTML_LIT(h, "</div></div></div><p>");
	struct dti_buf phrase = DTI_BUF_INIT;
	if (pf->nnodes &&
	    dti_view_phrase(c0, pf->nodes[0].ranked, dec, ci->earlier,
	                    ci->nearlier, h->lang, &phrase) == DTI_OK)
		html_text(h, phrase.data);
	dti_buf_release(&phrase);
	HTML_LIT(h, "</p>");
	page_chart(&p, q, cycle, DTI_VIEW_CHART_RADAR, pf->id, "radar",
	           "chart_radar", NULL);
	url_unit(&p.url, h->lang, cycle, pf->id);
	dti_buf_adds(&p.url, "/radar.svg");
	HTML_LIT(h, "<p>");
	html_elem(h, "a", tr(h->lang, "embed"), "href", p.url.data);
	HTML_LIT(h, "</p>");
	page_chart(&p, q, cycle, DTI_VIEW_CHART_BARS, pf->id, "bars",
	           "chart_bars", NULL);
	if (ci->nearlier)
		page_chart(&p, q, cycle, DTI_VIEW_CHART_TREND, pf->id, "trend",
		           "chart_trend", NULL);
	page_chart(&p, q, cycle, DTI_VIEW_CHART_DISTRIBUTION, pf->id, "dist",
	           "chart_dist", NULL);

	/* the index over the years: the earlier published cycles, then this */
	if (ci->nearlier) {
		HTML_LIT(h, "<h2>");
		html_text(h, tr(h->lang, "over_years"));
		HTML_LIT(h, "</h2>");
		table_wrap(h);
		HTML_LIT(h, "<table><thead><tr>"
		            "<th scope=\"col\" class=\"num\">");
		html_text(h, tr(h->lang, "year"));
		HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
		html_text(h, tr(h->lang, "value"));
		HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
		html_text(h, tr(h->lang, "rank"));
		HTML_LIT(h, "</th></tr></thead><tbody>");
		for (size_t k = ci->nearlier; k-- > 0;) {
			const struct dti_view_change *ch = &c0->changes[k];
			HTML_LIT(h, "<tr><th scope=\"row\" class=\"num\">");
			url_unit(&p.url, h->lang, ci->earlier[k].cycle, pf->id);
			char y[16];
			snprintf(y, sizeof y, "%d", ci->earlier[k].year);
			html_elem(h, "a", y, "href", p.url.data);
			HTML_LIT(h, "</th><td class=\"num\">");
			html_num(h, ch->value_then, dec);
			HTML_LIT(h, "</td><td class=\"num\">");
			if (ch->rank_then)
				html_textf(h, "%d", ch->rank_then);
			else
				html_num(h, NAN, 0);
			HTML_LIT(h, "</td></tr>");
		}
		HTML_LIT(h, "<tr><th scope=\"row\" class=\"num\">");
		html_textf(h, "%d", ci->year);
		HTML_LIT(h, "</th><td class=\"num\">");
		html_num(h, c0->unknown ? NAN : c0->value, dec);
		HTML_LIT(h, "</td><td class=\"num\">");
		if (c0->rank)
			html_textf(h, "%d/%zu", c0->rank, pf->nodes[0].ranked);
		else
			html_num(h, NAN, 0);
		HTML_LIT(h, "</td></tr></tbody></table></div>");
	}

	/* every node of the view */
	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, "nodes"));
	HTML_LIT(h, "</h2>");
	table_wrap(h);
	HTML_LIT(h, "<table><thead><tr>"
	            "<th scope=\"col\"></th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "value"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "rank"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num wide\">");
	html_text(h, tr(h->lang, "group_rank"));
	HTML_LIT(h, "</th>");
	if (ci->nearlier) {
		HTML_LIT(h, "<th scope=\"col\" class=\"num wide\">");
		html_text(h, tr(h->lang, "change_value"));
		HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
		html_text(h, tr(h->lang, "change_rank"));
		HTML_LIT(h, "</th>");
	}
	HTML_LIT(h, "</tr></thead><tbody>");
	for (size_t k = 0; k < pf->nnodes; k++) {
		const struct dti_view_cell *cell = &pf->cells[k];
		HTML_LIT(h, "<tr><th scope=\"row\">");
		html_text(h, pf->nodes[k].name);
		HTML_LIT(h, "</th>");
		value_td(&p, cell, dec, NULL);
		HTML_LIT(h, "<td class=\"num\">");
		if (cell->rank)
			html_textf(h, "%d/%zu", cell->rank,
			           pf->nodes[k].ranked);
		else
			html_num(h, NAN, 0);
		HTML_LIT(h, "</td><td class=\"num wide\">");
		if (cell->group_rank)
			html_textf(h, "%d/%zu", cell->group_rank,
			           pf->group_size);
		else
			html_num(h, NAN, 0);
		HTML_LIT(h, "</td>");
		if (ci->nearlier)
			change_tds(&p, cell, ci->nearlier, dec);
		HTML_LIT(h, "</tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");

	/* strengths, weaknesses and the gap to the unit above */
	if (pf->explained) {
		const struct dti_explanation *ex = &pf->explanation;
		if (ex->nstrengths)
			item_list(&p, pf, ex->strengths, ex->nstrengths,
			          "strengths");
		if (ex->nweaknesses)
			item_list(&p, pf, ex->weaknesses, ex->nweaknesses,
			          "weaknesses");
		if (!isnan(ex->above_gap) && ex->rank > 1) {
			HTML_LIT(h, "<h2>");
			html_text(h, tr(h->lang, "move_up"));
			HTML_LIT(h, "</h2><p>");
			struct dti_buf gap = DTI_BUF_INIT;
			html_num_buf(&gap, ex->above_gap, dec, h->lang);
			html_textf(
			    h,
			    h->lang == DTI_LANG_VI
			        ? "Cần thêm %s điểm giá trị để vượt đơn vị "
			          "xếp trên (hạng %d)."
			        : "Needs %s more in value to pass the unit "
			          "ranked above (rank %d).",
			    gap.data ? gap.data : "", ex->rank - 1);
			dti_buf_release(&gap);
			HTML_LIT(h, "</p>");
		}
	} else {
		HTML_LIT(h, "<p class=\"muted\">");
		html_text(h, tr(h->lang, "not_explained"));
		HTML_LIT(h, "</p>");
	}
	page_end(&p);
	page_send(q, r, &p, epoch, key.data, ci->published_at);
out:
	dti_profile_free(pf);
	dti_error_release(&err);
	dti_buf_release(&key);
	page_release(&p);
}

/* ---- Compare ---------------------------------------------------------------
 */

#define COMPARE_MAX 4

static void h_compare(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	const char *ids[COMPARE_MAX];
	size_t n = 0;
	int bad = 0;
	for (size_t i = 0; i < q->nquery; i++) {
		if (strcmp(q->query[i].name, "u") != 0 || !q->query[i].value ||
		    !*q->query[i].value)
			continue;
		int dup = 0;
		for (size_t k = 0; k < n; k++)
			dup |= strcmp(ids[k], q->query[i].value) == 0;
		if (dup || n == COMPARE_MAX)
			bad = 1;
		else
			ids[n++] = q->query[i].value;
	}
	struct dti_buf key = DTI_BUF_INIT;
	const struct srv_cached *epoch = NULL;
	if (page_cached(q, r, &key, cycle, &epoch))
		return;
	struct page p;
	page_init(&p, q);
	struct html *h = &p.h;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = h->lang;
	vo.sort = DTI_VIEW_SORT_NAME;
	struct dti_ranking *all = NULL;
	struct dti_profile *pf[COMPARE_MAX] = {NULL};
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_ranking(q->store, cycle, &vo, &all, &err);
	if (st != DTI_OK) {
		page_failed(q, r, st, &err);
		goto out;
	}
	if (n < 2)
		bad = bad || n > 0;
	for (size_t k = 0; k < n && !bad; k++) {
		st = dti_store_profile(q->store, cycle, ids[k], &vo, &pf[k],
		                       &err);
		if (st == DTI_ENOTFOUND) {
			bad = 1;
			dti_error_release(&err);
		} else if (st != DTI_OK) {
			page_failed(q, r, st, &err);
			goto out;
		}
	}
	const struct dti_view_cycle *ci = &all->info;
	struct dti_buf title = DTI_BUF_INIT;
	dti_buf_adds(&title, tr(h->lang, "compare_title"));
	dti_buf_adds(&title, " \xe2\x80\x94 ");
	cycle_title(&title, ci, h->lang);
	page_begin(&p, title.data, cycle, NAV_COMPARE);
	HTML_LIT(h, "<h1>");
	html_text(h, title.data);
	HTML_LIT(h, "</h1>");
	dti_buf_release(&title);
	cycle_notes(&p, ci);
	if (bad) {
		HTML_LIT(h, "<p class=\"notice\" role=\"alert\">");
		html_text(h, tr(h->lang, "compare_bad"));
		HTML_LIT(h, "</p>");
	}
	/* the form: four lists of the units, by name */
	url_cycle(&p.url, h->lang, cycle, "/compare");
	html_tag(h, "form", "class", "filters", "method", "get", "action",
	         p.url.data);
	for (size_t k = 0; k < COMPARE_MAX; k++) {
		HTML_LIT(h, "<label>");
		html_textf(h, "%s %zu", tr(h->lang, "unit"), k + 1);
		HTML_LIT(h, "<select name=\"u\"><option value=\"\"></option>");
		for (size_t i = 0; i < all->nrows; i++) {
			const char *id = all->rows[i].id;
			html_tag(h, "option", "value", id, "selected",
			         k < n && !bad && strcmp(ids[k], id) == 0
			             ? ""
			             : NULL);
			html_text(h, all->rows[i].name);
			HTML_LIT(h, "</option>");
		}
		HTML_LIT(h, "</select></label>");
	}
	HTML_LIT(h, "<button type=\"submit\">");
	html_text(h, tr(h->lang, "compare_go"));
	HTML_LIT(h, "</button></form>");
	if (!bad && n >= 2) {
		int dec = ci->precision;
		table_wrap(h);
		HTML_LIT(h, "<table><thead><tr>"
		            "<th scope=\"col\"></th>");
		for (size_t k = 0; k < n; k++) {
			HTML_LIT(h, "<th scope=\"col\" class=\"num\">");
			url_unit(&p.url, h->lang, cycle, pf[k]->id);
			html_elem(h, "a", pf[k]->name, "href", p.url.data);
			HTML_LIT(h, "</th>");
		}
		HTML_LIT(h, "</tr></thead><tbody>");
		for (size_t j = 0; j < pf[0]->nnodes; j++) {
			HTML_LIT(h, "<tr><th scope=\"row\">");
			html_text(h, pf[0]->nodes[j].name);
			HTML_LIT(h, "</th>");
			for (size_t k = 0; k < n; k++) {
				const struct dti_view_cell *cell =
				    j < pf[k]->nnodes ? &pf[k]->cells[j] : NULL;
				if (!cell) {
					HTML_LIT(h, "<td></td>");
					continue;
				}
				value_td(&p, cell, dec, NULL);
			}
			HTML_LIT(h, "</tr><tr><td class=\"muted\">");
			html_text(h, tr(h->lang, "rank"));
			HTML_LIT(h, "</td>");
			for (size_t k = 0; k < n; k++) {
				const struct dti_view_cell *cell =
				    j < pf[k]->nnodes ? &pf[k]->cells[j] : NULL;
				HTML_LIT(h, "<td class=\"num muted\">");
				if (cell && cell->rank)
					html_textf(h, "%d", cell->rank);
				else
					html_num(h, NAN, 0);
				HTML_LIT(h, "</td>");
			}
			HTML_LIT(h, "</tr>");
		}
		HTML_LIT(h, "</tbody></table></div>");
	}
	page_end(&p);
	page_send(q, r, &p, epoch, key.data, ci->published_at);
out:
	for (size_t k = 0; k < COMPARE_MAX; k++)
		dti_profile_free(pf[k]);
	dti_ranking_free(all);
	dti_error_release(&err);
	dti_buf_release(&key);
	page_release(&p);
}

/* ---- Methodology -----------------------------------------------------------
 */

static void tree_node(struct page *p, const struct dti_framework *fw, size_t i,
                      int depth)
{
	struct html *h = &p->h;
	struct dti_node_info ni;
	dti_framework_node(fw, i, &ni);
	HTML_LIT(h, "<li>");
	if (ni.nchildren && depth > 0)
		HTML_LIT(h, "<details open><summary>");
	html_elem(h, "strong", node_name(fw, i, h->lang));
	html_textf(h, " (%s)", ni.code);
	if (!isnan(ni.points)) {
		HTML_LIT(h, " \xe2\x80\x94 ");
		if (ni.points_known) {
			html_num(h, ni.points,
			         ni.points == floor(ni.points) ? 0 : 2);
			html_textf(h, " %s", tr(h->lang, "points_unit"));
		} else {
			html_text(h, tr(h->lang, "points_unknown"));
		}
	}
	if (ni.origin == DTI_ORIGIN_INFERRED)
		html_textf(h, " [%s]", tr(h->lang, "inferred"));
	else if (ni.origin == DTI_ORIGIN_EXAMPLE)
		html_textf(h, " [%s]", tr(h->lang, "example"));
	if (ni.nchildren && depth > 0)
		HTML_LIT(h, "</summary>");
	if (!ni.nchildren && ni.rule_text && *ni.rule_text) {
		HTML_LIT(h, "<br><span class=\"muted\">");
		html_textf(h, "%s: %s", tr(h->lang, "rule"), ni.rule_text);
		if (ni.params_text && *ni.params_text)
			html_textf(h, " %s", ni.params_text);
		if (ni.unit && *ni.unit)
			html_textf(h, " (%s)", ni.unit);
		HTML_LIT(h, "</span>");
	}
	if (ni.note && *ni.note) {
		/* notes are "Vietnamese / English" when they have both */
		const char *sep = strstr(ni.note, " / ");
		HTML_LIT(h, "<br><span class=\"muted\">");
		if (!sep)
			html_text(h, ni.note);
		else if (h->lang == DTI_LANG_EN)
			html_text(h, sep + 3);
		else
			html_textf(h, "%.*s", (int)(sep - ni.note), ni.note);
		HTML_LIT(h, "</span>");
	}
	if (ni.nchildren) {
		HTML_LIT(h, "<ul class=\"tree\">");
		for (size_t k = 0; k < ni.nchildren; k++)
			tree_node(p, fw, ni.children[k], depth + 1);
		HTML_LIT(h, "</ul>");
	}
	if (ni.nchildren && depth > 0)
		HTML_LIT(h, "</details>");
	HTML_LIT(h, "</li>");
}

static void h_methodology(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	struct dti_buf key = DTI_BUF_INIT;
	const struct srv_cached *epoch = NULL;
	if (page_cached(q, r, &key, cycle, &epoch))
		return;
	struct page p;
	page_init(&p, q);
	struct html *h = &p.h;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = h->lang;
	struct dti_ranking *rk = NULL;
	struct dti_framework *fw = NULL;
	struct dti_cycle_info info;
	struct dti_error err = DTI_ERROR_INIT;
	/* the ranking first: it refuses what is not published */
	enum dti_status st = dti_store_ranking(q->store, cycle, &vo, &rk, &err);
	if (st == DTI_OK)
		st = dti_cycle_get(q->store, cycle, &info, &err);
	if (st == DTI_OK)
		st = dti_store_framework(q->store, info.framework_sha, &fw,
		                         &err);
	if (st != DTI_OK) {
		page_failed(q, r, st, &err);
		goto out;
	}
	const struct dti_view_cycle *ci = &rk->info;
	struct dti_buf title = DTI_BUF_INIT;
	dti_buf_adds(&title, tr(h->lang, "methodology"));
	dti_buf_adds(&title, " \xe2\x80\x94 ");
	cycle_title(&title, ci, h->lang);
	page_begin(&p, title.data, cycle, NAV_METHOD);
	HTML_LIT(h, "<h1>");
	html_text(h, title.data);
	HTML_LIT(h, "</h1><dl>");
	dti_buf_release(&title);
	static const struct {
		const char *meta, *key;
	} facts[] = {{"id", "framework"},
	             {"version", "version"},
	             {"source", "source"},
	             {"status", "status"}};
	for (size_t k = 0; k < sizeof facts / sizeof facts[0]; k++) {
		const char *v = dti_framework_meta(fw, facts[k].meta);
		if (!v || !*v)
			continue;
		HTML_LIT(h, "<dt>");
		html_text(h, tr(h->lang, facts[k].key));
		HTML_LIT(h, "</dt><dd>");
		html_text(h, v);
		HTML_LIT(h, "</dd>");
	}
	const char *title_meta = dti_framework_meta(
	    fw, h->lang == DTI_LANG_VI ? "title_vi" : "title_en");
	if (title_meta && *title_meta) {
		HTML_LIT(h, "<dt>");
		html_text(h, tr(h->lang, "framework"));
		HTML_LIT(h, "</dt><dd>");
		html_text(h, title_meta);
		HTML_LIT(h, "</dd>");
	}
	HTML_LIT(h, "</dl><p class=\"meta\">");
	html_textf(h,
	           h->lang == DTI_LANG_VI
	               ? "Giá trị làm tròn đến %d chữ số thập phân."
	               : "Values rounded to %d decimals.",
	           ci->precision);
	HTML_LIT(h, "</p><ul class=\"tree\">");
	/* the index, then the other roots (pillars that share its nodes) */
	size_t root = dti_framework_root(fw);
	tree_node(&p, fw, root, 0);
	for (size_t i = 0; i < dti_framework_node_count(fw); i++) {
		struct dti_node_info ni;
		dti_framework_node(fw, i, &ni);
		if (i != root && ni.nparents == 0)
			tree_node(&p, fw, i, 0);
	}
	HTML_LIT(h, "</ul>");
	page_end(&p);
	page_send(q, r, &p, epoch, key.data, ci->published_at);
out:
	dti_framework_free(fw);
	dti_ranking_free(rk);
	dti_error_release(&err);
	dti_buf_release(&key);
	page_release(&p);
}

/* ---- The map ---------------------------------------------------------------
 */

static void h_map(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	struct dti_buf key = DTI_BUF_INIT;
	const struct srv_cached *epoch = NULL;
	if (page_cached(q, r, &key, cycle, &epoch))
		return;
	struct page p;
	page_init(&p, q);
	struct html *h = &p.h;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = h->lang;
	vo.sort = DTI_VIEW_SORT_NAME;
	struct dti_ranking *rk = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_ranking(q->store, cycle, &vo, &rk, &err);
	if (st != DTI_OK) {
		page_failed(q, r, st, &err);
		goto out;
	}
	const struct dti_view_cycle *ci = &rk->info;
	struct dti_buf title = DTI_BUF_INIT;
	dti_buf_adds(&title, tr(h->lang, "map_title"));
	dti_buf_adds(&title, " \xe2\x80\x94 ");
	cycle_title(&title, ci, h->lang);
	page_begin(&p, title.data, cycle, NAV_MAP);
	HTML_LIT(h, "<h1>");
	html_text(h, title.data);
	HTML_LIT(h, "</h1>");
	dti_buf_release(&title);
	cycle_notes(&p, ci);
	HTML_LIT(h, "<p class=\"muted\">");
	html_text(h, tr(h->lang, "map_note"));
	HTML_LIT(h, "</p>");
	page_chart(&p, q, cycle, DTI_VIEW_CHART_MAP, NULL, "map", "map_title",
	           NULL);
	/* the same numbers as a table, by name */
	table_wrap(h);
	HTML_LIT(h, "<table class=\"sortable\">"
	            "<thead><tr><th scope=\"col\">");
	html_text(h, tr(h->lang, "unit"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "value"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "rank"));
	HTML_LIT(h, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < rk->nrows; i++) {
		const struct dti_view_cell *c0 = &rk->rows[i].cells[0];
		HTML_LIT(h, "<tr><th scope=\"row\">");
		url_unit(&p.url, h->lang, cycle, rk->rows[i].id);
		html_elem(h, "a", rk->rows[i].name, "href", p.url.data);
		HTML_LIT(h, "</th>");
		value_td(&p, c0, ci->precision, NULL);
		HTML_LIT(h, "<td class=\"num\">");
		if (c0->rank)
			html_textf(h, "%d", c0->rank);
		else
			html_num(h, NAN, 0);
		HTML_LIT(h, "</td></tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");
	page_end(&p);
	page_send(q, r, &p, epoch, key.data, ci->published_at);
out:
	dti_ranking_free(rk);
	dti_error_release(&err);
	dti_buf_release(&key);
	page_release(&p);
}

/*
 * GET /cycles/{c}/units/{u}/radar.svg: a unit's radar alone, for other
 * sites to show (an image: no script runs in it).
 */
static void h_radar_svg(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	const char *unit = srv_param(q, "unit");
	struct dti_buf key = DTI_BUF_INIT;
	const struct srv_cached *epoch = NULL;
	if (page_cached(q, r, &key, cycle, &epoch))
		return;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = page_lang(q);
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.decimals = DTI_CHART_DECIMALS_PUBLISHED;
	co.id_prefix = "radar";
	struct dti_buf svg = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_cycle_info ci;
	enum dti_status st =
	    dti_store_chart(q->store, cycle, DTI_VIEW_CHART_RADAR, unit, &vo,
	                    &co, 0, NULL, &svg, &err);
	if (st == DTI_OK)
		st = dti_cycle_get(q->store, cycle, &ci, &err);
	if (st != DTI_OK) {
		page_failed(q, r, st, &err);
	} else {
		/* the publication time: that of the cycle's ranking view */
		struct dti_ranking *rk = NULL;
		long long t = 0;
		if (dti_store_ranking(q->store, cycle, &vo, &rk, &err) ==
		    DTI_OK)
			t = srv_parse_utc(rk->info.published_at);
		dti_ranking_free(rk);
		srv_pub_serve(q, r, epoch, key.data, "image/svg+xml", &svg,
		              t > 0 ? t : 0);
	}
	dti_buf_release(&svg);
	dti_error_release(&err);
	dti_buf_release(&key);
}

/* ---- Assets ----------------------------------------------------------------
 */

static void h_static(struct srv_req *q, struct srv_resp *r)
{
	const char *name = srv_param(q, "file");
	for (const struct dti_embedded_file *f = srv_web_files; f->name; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		const char *type =
		    strstr(name, ".css")  ? "text/css; charset=utf-8"
		    : strstr(name, ".js") ? "text/javascript; charset=utf-8"
		                          : "application/octet-stream";
		const struct srv_cached *c = srv_cache_get(q->srv, name);
		if (!c) {
			struct dti_buf b = DTI_BUF_INIT;
			dti_buf_add(&b, f->data, f->len);
			c = srv_cache_put(q->srv, name, type, &b, 0);
			dti_buf_release(&b);
		}
		if (c) {
			srv_resp_cached(r, c);
		} else {
			r->type = type;
			dti_buf_add(&r->body, f->data, f->len);
			r->no_store = 0;
		}
		return;
	}
	page_not_found(q, r);
}

#define PAGE(path, fn)                                                         \
	{"GET", path, fn, SRV_PUBLIC},                                         \
	{                                                                      \
		"GET", "/en" path, fn, SRV_PUBLIC                              \
	}

const struct srv_route srv_routes_pages[] = {
    {"GET", "/", h_home, SRV_PUBLIC},
    {"GET", "/en", h_home, SRV_PUBLIC},
    PAGE("/cycles/{cycle}", h_ranking),
    PAGE("/cycles/{cycle}/units/{unit}", h_profile),
    PAGE("/cycles/{cycle}/compare", h_compare),
    PAGE("/cycles/{cycle}/methodology", h_methodology),
    PAGE("/cycles/{cycle}/map", h_map),
    PAGE("/cycles/{cycle}/units/{unit}/radar.svg", h_radar_svg),
    {"GET", "/static/{file}", h_static, SRV_PUBLIC | SRV_NOSTORE},
    {NULL, NULL, NULL, 0},
};

void srv_page_not_found(struct srv_req *q, struct srv_resp *r)
{
	page_not_found(q, r);
}
