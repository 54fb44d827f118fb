-- A place's estates are listed in the default order (created_at, id): with this index a page is
-- a range of the index, read from its first row to its last, and the place's count an
-- index-only scan. Without it the page walked the tenant's estates in creation order and
-- dropped those of other places (a tenant of 20,000 estates: about twice the time per page).
CREATE INDEX estates_place_created_idx ON estates (tenant_id, place_id, created_at, id);
