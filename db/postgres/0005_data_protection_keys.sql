-- ASP.NET Data Protection keys (session cookies, antiforgery tokens), shared by every instance so a restart or
-- another replica accepts what this one issued. Each row is one key's XML as the framework writes it.
CREATE TABLE data_protection_keys (
    name TEXT PRIMARY KEY,
    xml TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
