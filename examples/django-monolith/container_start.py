# The start of every Django container of the stack (web, migrations):
#   python -c <this file> SCHEME QUERY COMMAND...      (QUERY "-": none)
# The stack passes this file in the environment (ZONKE_START_WRAPPER) and starts it with
#   python -c "import os; exec(os.environ.pop('ZONKE_START_WRAPPER'))" SCHEME QUERY COMMAND...
# so commands stay short (RunTask overrides: 8192 characters) and the app never sees it.
# It adds DATABASE_URL (read by dj-database-url and django-environ), built from the DB_*
# variables ECS injected, then replaces itself with COMMAND. ECS injects each secret JSON
# key as its own variable and cannot compose them, hence this step. User, password and
# database name are percent-encoded. Without DB_HOST (a build) or with DATABASE_URL already
# set, the environment is left as it is. Standard library only: any Python image runs it.
#
# In the migration container only, ECS also injects the RDS master user (DB_MASTER_USER,
# DB_MASTER_PASSWORD). PostgreSQL: before COMMAND, signed in as the master user over the
# same TLS settings, this makes sure the app's own user (DB_USER) exists with the password
# of its secret (DB_PASSWORD), may connect and create in the public schema, and owns the
# tables and views there that the master user owns (stacks that ran migrations as the
# master user before). The password is sent as a SCRAM-SHA-256 verifier, so the server's
# DDL log never holds it. Then both master variables leave the environment: the release
# commands and the web service run as the app user only, whose password RDS never rotates.
# It needs the app's PostgreSQL driver (psycopg 3 or psycopg2).
#
# With DB_CA_BUNDLE (the region's RDS certificate authorities, PostgreSQL), every connection
# verifies the server's certificate and name (sslmode=verify-full) instead of QUERY's
# sslmode=require: see below.
# https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html
# https://www.postgresql.org/docs/15/sql-createrole.html (a pre-encrypted SCRAM password)
import base64
import hashlib
import hmac
import os
import re
import secrets
import sys
from urllib.parse import quote

scheme, query = sys.argv[1], sys.argv[2]
command = sys.argv[3:]
env = os.environ


def scram_verifier(password, iterations=4096):
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    stored = hashlib.sha256(client_key).digest()
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored)}:{b64(server_key)}"


def ensure_app_user(master_user, master_password):
    user, password = env.get("DB_USER", ""), env.get("DB_PASSWORD", "")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", user) or user == master_user or not password:
        sys.exit(
            f"zonke: DB_USER {user!r} cannot be the app's database user "
            "(a lower-case name, not the master user, with a password)"
        )
    try:
        import psycopg as driver
    except ImportError:
        try:
            import psycopg2 as driver
        except ImportError:
            sys.exit(
                "zonke: the migration step creates the app's database user with the app's "
                "PostgreSQL driver; add psycopg (or psycopg2) to the image"
            )
    options = dict(p.split("=", 1) for p in query.split("&") if "=" in p) if query not in ("", "-") else {}
    conn = driver.connect(
        host=env["DB_HOST"],
        port=env.get("DB_PORT") or "5432",
        dbname=env.get("DB_NAME", ""),
        user=master_user,
        password=master_password,
        **options,
    )
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,))
    verb = "ALTER" if cur.fetchone() else "CREATE"
    # format() quotes the name and the verifier on the server: no SQL is built from text here
    cur.execute(
        f"SELECT format('{verb} ROLE %%I LOGIN PASSWORD %%L', %s::text, %s::text)",
        (user, scram_verifier(password)),
    )
    cur.execute(cur.fetchone()[0])
    statements = [
        "SELECT format('GRANT %%I TO %%I', %s::text, current_user)",  # so ownership can be handed over
        "SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %%I TO %%I', current_database(), %s::text)",
        "SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %%I', %s::text)",
    ]
    for statement in statements:
        cur.execute(statement, (user,))
        cur.execute(cur.fetchone()[0])
    # Tables, views and free sequences of the public schema still owned by the master user.
    # A sequence owned by a column moves with its table.
    cur.execute(
        "SELECT format('ALTER %%s %%I.%%I OWNER TO %%I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE'"
        " WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'"
        " ELSE 'TABLE' END, n.nspname, c.relname, %s::text) FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        " AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
        " AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid"
        " AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))",
        (user,),
    )
    for (statement,) in cur.fetchall():
        cur.execute(statement)
    conn.close()
    done = "created" if verb == "CREATE" else "password and grants checked"
    print(f"zonke: database user {user} ready ({done})", file=sys.stderr)


def ensure_mysql_app_user(master_user, master_password):
    """MySQL: the same user, from the master user, over TLS (the stack's parameter group sets
    require_secure_transport). MySQL rewrites the password out of the statements it logs.
    https://dev.mysql.com/doc/refman/8.4/en/password-logging.html
    """
    user, password, name = env.get("DB_USER", ""), env.get("DB_PASSWORD", ""), env.get("DB_NAME", "")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,31}", user) or user == master_user or not password:
        sys.exit(
            f"zonke: DB_USER {user!r} cannot be the app's database user "
            "(a lower-case name of at most 32 characters, not the master user, with a password)"
        )
    if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name):
        sys.exit(f"zonke: DB_NAME {name!r} is not a database name the migration step can grant on")
    tls = {"check_hostname": False}  # encrypted; the server is verified only with a CA bundle
    try:
        import MySQLdb

        conn = MySQLdb.connect(
            host=env["DB_HOST"], port=int(env.get("DB_PORT") or 3306), user=master_user,
            passwd=master_password, ssl_mode="REQUIRED",
        )  # fmt: skip
    except ImportError:
        try:
            import pymysql
        except ImportError:
            sys.exit(
                "zonke: the migration step creates the app's database user with the app's MySQL "
                "driver; add mysqlclient (or PyMySQL) to the image"
            )
        conn = pymysql.connect(
            host=env["DB_HOST"], port=int(env.get("DB_PORT") or 3306), user=master_user,
            password=master_password, ssl=tls,
        )  # fmt: skip
    cur = conn.cursor()
    # the driver quotes the name and the password as literals: no SQL is built from their text
    cur.execute("CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s", (user, password))
    cur.execute("ALTER USER %s@'%%' IDENTIFIED BY %s", (user, password))
    cur.execute(f"GRANT ALL PRIVILEGES ON `{name}`.* TO %s@'%%'", (user,))
    conn.commit()
    conn.close()
    print(f"zonke: database user {user} ready (password and grants on {name} checked)", file=sys.stderr)


# PostgreSQL with the region's RDS CA bundle (DB_CA_BUNDLE, from the stack): the bundle goes
# to a file in the temporary folder (/tmp, the task's writable storage) and every client
# verifies the server with it: the query of DATABASE_URL and of the master connection below,
# libpq's own variables (PGSSLMODE, PGSSLROOTCERT; any psycopg connection), and DB_SSLMODE /
# DB_SSLROOTCERT for settings built from the DB_* parts (zonke_django reads them).
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
# https://www.postgresql.org/docs/15/libpq-envars.html
bundle = env.pop("DB_CA_BUNDLE", "")
if bundle.strip().startswith("-----BEGIN CERTIFICATE-----") and scheme == "postgres" and env.get("DB_HOST"):
    import tempfile

    ca_file = os.path.join(tempfile.gettempdir(), "zonke-db-ca.pem")
    with open(ca_file, "w") as f:
        f.write(bundle)
    options = [
        p for p in query.split("&") if p and p != "-" and not p.startswith(("sslmode=", "sslrootcert="))
    ]
    query = "&".join(["sslmode=verify-full", f"sslrootcert={ca_file}", *options])
    for name, value in (("SSLMODE", "verify-full"), ("SSLROOTCERT", ca_file)):
        env[f"DB_{name}"] = env[f"PG{name}"] = value

master_user, master_password = env.pop("DB_MASTER_USER", ""), env.pop("DB_MASTER_PASSWORD", "")
if master_user and env.get("DB_HOST") and scheme == "postgres":
    ensure_app_user(master_user, master_password)
elif master_user and env.get("DB_HOST") and scheme == "mysql":
    ensure_mysql_app_user(master_user, master_password)
if env.get("DB_HOST") and not env.get("DATABASE_URL"):
    user = quote(env.get("DB_USER", ""), safe="")
    password = quote(env.get("DB_PASSWORD", ""), safe="")
    name = quote(env.get("DB_NAME", ""), safe="")
    port = env.get("DB_PORT", "")
    env["DATABASE_URL"] = f"{scheme}://{user}:{password}@{env['DB_HOST']}:{port}/{name}" + (
        f"?{query}" if query not in ("", "-") else ""
    )
os.execvp(command[0], command)
