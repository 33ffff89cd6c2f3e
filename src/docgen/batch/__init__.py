"""Mailroom batch printing: every record of a large input as print-ready, resumable mail pieces.

source.py     the input, read a record at a time (JSON Lines file or folder of JSON files)
job.py        job and per-record state in the output folder's SQLite file; resume
piece.py      one record checked, then rendered alone as one mail piece
envelope.py   #10 double-window envelope geometry and the address blocks
imb.py        USPS Intelligent Mail barcode
marks.py      duplex blank backs and inserter control marks
executors.py  local worker processes or a Dask cluster
fonts.py      one font per face in a print file (the union of the pieces' subsets)
output.py     print files, manifest.csv, summary.json, errors.jsonl (written whole, renamed)
progress.py   progress bar or plain lines
run.py        the run itself: scan, presort, render, assemble, report
"""
