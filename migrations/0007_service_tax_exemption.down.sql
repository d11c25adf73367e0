-- Reverts 0007: services lose their exemption texts.
ALTER TABLE services DROP CONSTRAINT services_tax_exemption_rate_check, DROP COLUMN tax_exemption;
