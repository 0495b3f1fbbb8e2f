ALTER TABLE "expressions" ADD COLUMN "lease_expires_at" bigint;--> statement-breakpoint
CREATE INDEX "expressions_queue_idx" ON "expressions" USING btree ("created_at","id") WHERE "expressions"."status" in ('pending', 'second_round') and "expressions"."lease_expires_at" is null;--> statement-breakpoint
CREATE INDEX "expressions_lease_expiry_idx" ON "expressions" USING btree ("lease_expires_at") WHERE "expressions"."lease_expires_at" is not null;--> statement-breakpoint
-- Samples held when this migration runs stay held: the cache starts equal to the leases table.
UPDATE expressions SET lease_expires_at = (SELECT max(l.expires_at) FROM leases l WHERE l.expression_id = expressions.id AND l.round > 0) WHERE EXISTS (SELECT 1 FROM leases l WHERE l.expression_id = expressions.id AND l.round > 0);
