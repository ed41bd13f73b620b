-- API keys carry scopes (verify, evidence, admin, read), space-separated.
-- Keys made before scopes existed keep every permission they had.
ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'verify evidence admin read';
