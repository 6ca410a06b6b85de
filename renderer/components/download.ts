/** Hands `data` to the browser as a file download named `name`. */
export function download(name: string, data: BlobPart[], type: string): void {
  const url = URL.createObjectURL(new Blob(data, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** CSV text as a download; the BOM lets spreadsheet programs read the Chinese text as UTF-8. */
export function downloadCsv(name: string, text: string): void {
  download(name, ['\uFEFF', text], 'text/csv;charset=utf-8');
}
