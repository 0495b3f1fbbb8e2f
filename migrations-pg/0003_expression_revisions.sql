ALTER TABLE "expressions" ADD COLUMN "revision_of" integer;--> statement-breakpoint
ALTER TABLE "expressions" ADD COLUMN "motion_start_frame" integer;--> statement-breakpoint
ALTER TABLE "expressions" ADD COLUMN "motion_end_frame" integer;--> statement-breakpoint
ALTER TABLE "expressions" ADD CONSTRAINT "expressions_revision_of_expressions_id_fk" FOREIGN KEY ("revision_of") REFERENCES "public"."expressions"("id") ON DELETE no action ON UPDATE no action;