/* libFuzzer harness: the XML inside a workbook.  The input is the sheet XML, then
 * after a NUL byte the shared strings, then after another the styles; the harness
 * packs them (stored, not deflated, so the fuzzer's changes reach the XML) into a
 * workbook with libzip and reads every row. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char package_rels[] =
    "<Relationships><Relationship Id=\"r\" Type=\"x/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char workbook[] = "<workbook><workbookPr date1904=\"0\"/><sheets><sheet name=\"S\" r:id=\"a\"/>"
                               "</sheets></workbook>";
static const char workbook_rels[] =
    "<Relationships><Relationship Id=\"a\" Type=\"x/worksheet\" Target=\"sheet.xml\"/>"
    "<Relationship Id=\"b\" Type=\"x/sharedStrings\" Target=\"strings.xml\"/>"
    "<Relationship Id=\"c\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>";

static int add(zip_t *zip, const char *name, const void *bytes, size_t length)
{
	zip_source_t *source = zip_source_buffer(zip, bytes, length, 0);
	if (!source)
		return -1;
	zip_int64_t index = zip_file_add(zip, name, source, 0);
	if (index < 0) {
		zip_source_free(source);
		return -1;
	}
	return zip_set_file_compression(zip, (zip_uint64_t)index, ZIP_CM_STORE, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *parts[3] = {data, NULL, NULL};
	size_t lengths[3] = {size, 0, 0};
	for (int p = 0; p < 2; p++) {
		const uint8_t *nul = memchr(parts[p], 0, lengths[p]);
		if (!nul)
			break;
		parts[p + 1] = nul + 1;
		lengths[p + 1] = lengths[p] - (size_t)(nul + 1 - parts[p]);
		lengths[p] = (size_t)(nul - parts[p]);
	}
	zip_error_t error;
	zip_error_init(&error);
	zip_source_t *archive = zip_source_buffer_create(NULL, 0, 0, &error);
	if (!archive)
		return 0;
	zip_source_keep(archive);
	zip_t *zip = zip_open_from_source(archive, ZIP_TRUNCATE, &error);
	if (!zip) {
		zip_source_free(archive);
		return 0;
	}
	int ok = add(zip, "_rels/.rels", package_rels, strlen(package_rels)) == 0 &&
	         add(zip, "xl/workbook.xml", workbook, strlen(workbook)) == 0 &&
	         add(zip, "xl/_rels/workbook.xml.rels", workbook_rels, strlen(workbook_rels)) == 0 &&
	         add(zip, "xl/sheet.xml", parts[0], lengths[0]) == 0 &&
	         (!parts[1] || add(zip, "xl/strings.xml", parts[1], lengths[1]) == 0) &&
	         (!parts[2] || add(zip, "xl/styles.xml", parts[2], lengths[2]) == 0);
	if (!ok || zip_close(zip) < 0) {
		if (!ok)
			zip_discard(zip);
		zip_source_free(archive);
		return 0;
	}
	char *bytes = NULL;
	zip_int64_t length = -1;
	if (zip_source_open(archive) == 0) {
		if (zip_source_seek(archive, 0, SEEK_END) == 0 && (length = zip_source_tell(archive)) > 0 &&
		    zip_source_seek(archive, 0, SEEK_SET) == 0 && (bytes = malloc((size_t)length)) != NULL &&
		    zip_source_read(archive, bytes, (zip_uint64_t)length) != length)
			length = -1;
		zip_source_close(archive);
	}
	zip_source_free(archive);
	if (bytes && length > 0) {
		char message[512];
		struct xlsx_book *book = xlsx_open(NULL, bytes, (size_t)length, "fuzz.xlsx", message, sizeof message);
		if (book) {
			struct xlsx_row row;
			while (xlsx_next_row(book, &row) == 1)
				for (size_t c = 0; c < row.count; c++)
					if (strlen(row.cells[c]) != row.lengths[c])
						__builtin_trap();
			xlsx_close(book);
		}
	}
	free(bytes);
	return 0;
}
