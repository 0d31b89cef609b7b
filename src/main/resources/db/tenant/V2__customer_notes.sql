-- Expand only: a nullable column and a new table, so an image written for schema 1 keeps working on schema 2.
-- Runs as the tenant role with search_path set to its schema: never name a schema here.

ALTER TABLE customers ADD COLUMN notes text;

CREATE TABLE customer_tags (
    customer_id bigint NOT NULL REFERENCES customers (id),
    tag         text   NOT NULL,
    PRIMARY KEY (customer_id, tag)
);
