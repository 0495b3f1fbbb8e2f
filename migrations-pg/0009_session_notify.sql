-- Instances keep the sessions they resolved (server/src/auth/session-cache.ts) until they hear, on the
-- changes channel (server/src/db/pg-notify.ts), that one may have changed: a session ended, or a
-- user's roles, name or enabled state changed. Triggers, so that every writer is heard (the CLI too).
-- Statement-level: one notification per statement, and PostgreSQL folds identical ones of a transaction.
CREATE FUNCTION studio_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('studio_changes', 'sessions');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_ended AFTER DELETE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION studio_sessions_changed();
--> statement-breakpoint
CREATE TRIGGER user_roles_changed AFTER INSERT OR UPDATE OR DELETE ON user_roles FOR EACH STATEMENT EXECUTE FUNCTION studio_sessions_changed();
--> statement-breakpoint
CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION studio_sessions_changed();
