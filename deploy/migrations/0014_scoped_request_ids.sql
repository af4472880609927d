-- Request ids are scoped by the caller's organisation: the request logs are
-- keyed "ORG|request_id" (at most 128 characters of request id and the
-- organisation's id), so one authority's id can neither collide with nor
-- replay another's. Keys made by services themselves stay unscoped.
-- Rows written before this migration keep their unscoped keys: drain the
-- clients' retries before upgrading (a retry of such a request would be
-- taken as new).
ALTER TABLE ledger.requests DROP CONSTRAINT requests_request_id_check;
ALTER TABLE ledger.requests ADD CONSTRAINT requests_request_id_check
  CHECK (length(request_id) BETWEEN 1 AND 300);
ALTER TABLE iam.requests DROP CONSTRAINT requests_request_id_check;
ALTER TABLE iam.requests ADD CONSTRAINT requests_request_id_check
  CHECK (length(request_id) BETWEEN 1 AND 300);
ALTER TABLE agreements.requests DROP CONSTRAINT requests_request_id_check;
ALTER TABLE agreements.requests ADD CONSTRAINT requests_request_id_check
  CHECK (length(request_id) BETWEEN 1 AND 300);
ALTER TABLE payroll.requests DROP CONSTRAINT requests_request_id_check;
ALTER TABLE payroll.requests ADD CONSTRAINT requests_request_id_check
  CHECK (length(request_id) BETWEEN 1 AND 300);
