"""Prints the DATABASE_URL the test suite should use, and says why on stderr.

DATABASE_URL set: that one. Else a local PostgreSQL on 127.0.0.1:5432 if it answers.
Else nothing: the suite runs on SQLite, and the tests that need PostgreSQL are skipped.
"""

import os
import sys

LOCAL = "postgres://postgres@127.0.0.1:5432/chorus"


def main() -> None:
    if os.environ.get("DATABASE_URL"):
        print(os.environ["DATABASE_URL"])
        return
    try:
        import psycopg

        psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=2
        ).close()
    except Exception as exc:
        print(
            f"NOTICE: no PostgreSQL answers on 127.0.0.1:5432 ({exc.__class__.__name__}): "
            "the tests run on SQLite, and those marked 'postgres' are skipped.",
            file=sys.stderr,
        )
        return
    print(LOCAL)


if __name__ == "__main__":
    main()
