#include "report.h"
#include "report_formats.h"
#include "report_model.h"

#include <stdio.h>

int report_render(FILE *out, const char *json_text, const char *source_name, enum report_format format, char *error,
                  size_t error_size)
{
	return report_render_with_notes(out, json_text, source_name, format, NULL, 0, NULL, error, error_size);
}

int report_render_with_notes(FILE *out, const char *json_text, const char *source_name, enum report_format format,
                             const char *const *notes, size_t note_count, const char *flow_json, char *error,
                             size_t error_size)
{
	struct report_doc doc;
	int status = report_doc_load(&doc, json_text, source_name, error, error_size);
	if (!status && flow_json)
		status = report_doc_add_flow(&doc, flow_json, error, error_size);
	if (!status)
		status = format == REPORT_MARKDOWN ? report_write_markdown(out, &doc, notes, note_count)
		                                   : report_write_html(out, &doc, notes, note_count);
	report_doc_free(&doc);
	return status;
}

int report_render_xlsx(const char *path, const char *json_text, const char *source_name, const char *const *notes,
                       size_t note_count, const char *flow_json, char *error, size_t error_size)
{
	struct report_doc doc;
	int status = report_doc_load(&doc, json_text, source_name, error, error_size);
	if (!status && flow_json)
		status = report_doc_add_flow(&doc, flow_json, error, error_size);
	if (!status)
		status = report_write_xlsx(path, &doc, notes, note_count, error, error_size);
	report_doc_free(&doc);
	return status;
}
