"""What every endpoint of the public API shares: routing, strict query parameters,
base ViewSets, fields, filters, pagination, the schema and problem details."""
