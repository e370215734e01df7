"""The benchmarks' own PostgreSQL databases: created when missing (or afresh), never the one the
project runs on."""


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the database named in `url` when it does not exist; with `fresh`, drop it first."""
    import environ
    import psycopg2

    cfg = environ.Env.db_url_config(url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=cfg["USER"],
        password=cfg.get("PASSWORD") or None,
        host=cfg["HOST"],
        port=cfg.get("PORT") or 5432,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            if fresh:
                cur.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    finally:
        conn.close()
