DROP INDEX "clip_votes_recording_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "clip_votes_recording_verifier_uq" ON "clip_votes" USING btree ("recording_id","verifier_id");