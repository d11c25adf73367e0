-- The text a budget or invoice prints for a line without VAT (e.g. "Exento de IVA, art. 20.Uno.5º
-- Ley 37/1992"). Only a service at 0 % may carry one: the constraint keeps the rule true whatever
-- writes the row; the API checks it first, to name the field.

ALTER TABLE services
  ADD COLUMN tax_exemption text
    CONSTRAINT services_tax_exemption_check CHECK (char_length(tax_exemption) BETWEEN 1 AND 200),
  ADD CONSTRAINT services_tax_exemption_rate_check CHECK (tax_exemption IS NULL OR tax_rate = 0);
