"""The pure core: vocabularies, reading grids into cases, rules, windows, callbacks, sampling, validation,
statistics. Nothing here opens a file, imports openpyxl or xlwings, or prints."""
