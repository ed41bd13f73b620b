-- A repository name belongs to the tenant that proved it: the first verified
-- release pack signed with that tenant's keys, or an operator's assignment.
-- Only proven repositories count in adoption and own the public badge; other
-- tenants' uploads for a proven name are refused. Names registered before
-- ownership was checked stay with the tenant that registered them first.
ALTER TABLE repos ADD COLUMN proven_at BIGINT;
ALTER TABLE repos ADD COLUMN proof TEXT;
UPDATE repos SET proven_at = created_at, proof = 'registered first, before ownership was checked'
WHERE NOT EXISTS (
    SELECT 1 FROM repos AS o
    WHERE o.name = repos.name AND (o.created_at < repos.created_at OR (o.created_at = repos.created_at AND o.id < repos.id))
);
CREATE INDEX repos_owner ON repos (name, proven_at) WHERE proven_at IS NOT NULL;
