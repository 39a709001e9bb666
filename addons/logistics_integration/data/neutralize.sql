-- A neutralized copy must never reach a production system.
UPDATE logistics_endpoint SET active = false WHERE environment = 'production';
DELETE FROM ir_config_parameter WHERE key = 'logistics_integration.production_database_uuid';
