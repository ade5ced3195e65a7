"""The tests' throwaway PostgreSQL: the product's own (zonke_tf.localpg, used by check-app)."""

from zonke_tf.localpg import PG_HINT, Postgres, postgres_server

__all__ = ["PG_HINT", "Postgres", "postgres_server"]
