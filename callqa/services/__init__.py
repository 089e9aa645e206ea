"""The application layer: what the CLI, the Prefect flows and the web service call.

- `store`: open a database (migrated) and its session factory, once per process.
- `ingest` and `archive`: register an archive's calls; read recordings from any fsspec URL.
- `stages`: the keys that let a re-run skip finished work.
- `processing`: claim calls, transcribe, score (the plain loop and the stages the flows run).
- `reprocessing`: queue what a scorecard, model or option change made out of date.
- `analysis`: FCR, flags, process issues, the review queue, suggestions and reports.

SQL lives in `callqa.models`; the speech and scoring work in `callqa.pipeline` and
`callqa.scoring`; services put them together and own the transactions.
"""
