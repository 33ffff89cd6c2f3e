"""HTTP API for the member portal: `docgen serve` (Starlette on uvicorn, rendering in worker processes)."""
