# The start of every Django container of the stack (web, migrations):
#   python -c <this file> SCHEME QUERY COMMAND...      (QUERY "-": none)
# It adds DATABASE_URL (read by dj-database-url and django-environ), built from the DB_*
# variables ECS injected, then replaces itself with COMMAND. ECS injects each secret JSON
# key as its own variable and cannot compose them, hence this step. User, password and
# database name are percent-encoded. Without DB_HOST (a build) or with DATABASE_URL already
# set, the environment is left as it is. Standard library only: any Python image runs it.
import os
import sys
from urllib.parse import quote

scheme, query = sys.argv[1], sys.argv[2]
command = sys.argv[3:]
env = os.environ
if env.get("DB_HOST") and not env.get("DATABASE_URL"):
    user = quote(env.get("DB_USER", ""), safe="")
    password = quote(env.get("DB_PASSWORD", ""), safe="")
    name = quote(env.get("DB_NAME", ""), safe="")
    port = env.get("DB_PORT", "")
    env["DATABASE_URL"] = f"{scheme}://{user}:{password}@{env['DB_HOST']}:{port}/{name}" + (
        f"?{query}" if query not in ("", "-") else ""
    )
os.execvp(command[0], command)
