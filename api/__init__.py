"""HTTP booking-control service (FastAPI); built in the service issue."""
