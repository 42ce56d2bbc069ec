"""What daprd's PostgreSQL components need in the database, as SQL the stack runs on start.

All of it is idempotent: it runs on every start and creates only what is missing.
state.postgresql creates its own tables; configuration.postgresql needs its table and
trigger made for it.
"""

# What daprd connects as: owner of its own database, not a superuser.
DATABASE = ROLE = "orderflow"
# configuration.postgresql reads this table; dapr/components/full/configstore.yaml names it.
CONFIG_TABLE = "orderflow_config"
# The NOTIFY channel the table's trigger announces changes on. Subscribers pass it to Dapr
# as the `pgNotifyChannel` subscription metadata.
CONFIG_CHANNEL = "orderflow_config_changed"

# The shape configuration.postgresql reads (`SELECT *` scanned as key, value, version,
# metadata) and the trigger it needs for subscriptions: a NOTIFY whose JSON payload carries
# the row under "data" (components-contrib v1.14.4 configuration/postgres). The CHECK keeps
# metadata a flat object of strings: daprd's notify handler type-asserts every value to a
# string, so anything else would panic the sidecar.
CONFIG_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {CONFIG_TABLE} (
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    version VARCHAR NOT NULL,
    metadata JSON,
    CONSTRAINT metadata_is_flat_strings CHECK (
        metadata IS NULL OR (
            json_typeof(metadata) = 'object'
            AND NOT jsonb_path_exists(metadata::jsonb, '$.* ? (@.type() != "string")')
        )
    )
);
CREATE OR REPLACE FUNCTION {CONFIG_TABLE}_notify() RETURNS TRIGGER AS $$
DECLARE
    data json;
BEGIN
    IF (TG_OP = 'DELETE') THEN
        data = row_to_json(OLD);
    ELSE
        data = row_to_json(NEW);
    END IF;
    PERFORM pg_notify(
        '{CONFIG_CHANNEL}',
        json_build_object('table', TG_TABLE_NAME, 'action', TG_OP, 'data', data)::text
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {CONFIG_TABLE}_changed ON {CONFIG_TABLE};
CREATE TRIGGER {CONFIG_TABLE}_changed
    AFTER INSERT OR UPDATE OR DELETE ON {CONFIG_TABLE}
    FOR EACH ROW EXECUTE FUNCTION {CONFIG_TABLE}_notify();
"""


def role_and_database(password: str) -> str:
    """psql script (run as the superuser): daprd's login role and the database it owns."""
    return f"""
SELECT 'CREATE ROLE {ROLE}' WHERE NOT EXISTS
    (SELECT FROM pg_roles WHERE rolname = '{ROLE}') \\gexec
ALTER ROLE {ROLE} LOGIN PASSWORD '{password}';
SELECT 'CREATE DATABASE {DATABASE} OWNER {ROLE}' WHERE NOT EXISTS
    (SELECT FROM pg_database WHERE datname = '{DATABASE}') \\gexec
"""
