"""What every endpoint of the public API shares: routing, query-parameter rules,
base ViewSets, fields, query fields, filters, pagination, the schema and problem details."""
