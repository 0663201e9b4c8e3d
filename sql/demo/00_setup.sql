-- Demo data, step 0: scale, scratch schema, helpers, wipe.
--
-- The files of sql/demo run in name order, each sent as one script by
-- `oms seed` / `oms demo` as superuser on a migrated database. The scale
-- comes from the setting oms_demo.scale ('tiny', 'default' or 'full').
--
-- Everything is deterministic: pseudo-random choices are hashes of a row
-- number and a salt (hashint8extended), never random(), so one scale always
-- gives the same ids, order numbers, names and amounts. Times are relative
-- to an anchor, the end of the history: the setting oms_demo.anchor (oms
-- demo: the time of loading, so that "the last 30 days" is a realistic
-- month; oms seed, which the tests use: 2026-11-01 12:00 UTC), except the
-- anchor customer's few "live" orders of 60_anchor.sql, placed relative to
-- now(). One scale and one anchor always give the same data.
--
-- Bulk loading runs with session_replication_role = replica, which skips
-- triggers (audit, status guard) and foreign-key checks; 90_verify.sql then
-- checks every foreign key and the business invariants instead.
--
-- The scratch schema oms_demo (parameters, helpers, staging tables) lives
-- until 90_verify.sql drops it.

SET client_min_messages = warning;
SET jit = off;   -- compiling these big expressions costs more than it saves

DROP SCHEMA IF EXISTS oms_demo CASCADE;
CREATE SCHEMA oms_demo;
REVOKE ALL ON SCHEMA oms_demo FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Parameters of the chosen scale.
CREATE TABLE oms_demo.param AS
SELECT s.scale, v.*,
       date_trunc('second', coalesce(nullif(current_setting('oms_demo.anchor', true), '')::timestamptz,
                                     timestamptz '2026-11-01 12:00:00+00')) AS anchor,
       -- the anchor customer's ~500 orders (paging tests), whatever the scale
       500 AS cust1_orders
FROM (SELECT coalesce(nullif(current_setting('oms_demo.scale', true), ''), 'default') AS scale) s
JOIN (VALUES
	--        customers  orders   sellers  items per seller
	('tiny',         500,    5000,     10,    48),
	('default',    20000,  200000,     50,   100),
	('full',      100000, 1000000,     50,   200)
) AS v(scale_name, n_customers, n_orders, n_sellers, items_per_seller) ON v.scale_name = s.scale;

DO $$
BEGIN
	IF (SELECT count(*) FROM oms_demo.param) <> 1 THEN
		RAISE EXCEPTION 'oms_demo.scale must be tiny, default or full (is %)',
			current_setting('oms_demo.scale', true) USING ERRCODE = '22023';
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Deterministic pseudo-randomness. All inlinable SQL functions.

-- 63-bit hash of (k, salt)
CREATE FUNCTION oms_demo.h(k bigint, salt bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN hashint8extended(k, salt) & 9223372036854775807;

-- uniform in [0, 1)
CREATE FUNCTION oms_demo.u(k bigint, salt bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (hashint8extended(k, salt) & 4503599627370495)::float8 / 4503599627370496.0;

-- uniform integer in [0, n)
CREATE FUNCTION oms_demo.pick(k bigint, salt bigint, n bigint) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((hashint8extended(k, salt) & 9223372036854775807) % n)::int;

-- an element of a text array, chosen by (k, salt)
CREATE FUNCTION oms_demo.pick_of(k bigint, salt bigint, a text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN a[1 + ((hashint8extended(k, salt) & 9223372036854775807) % cardinality(a))::int];

-- a deterministic UUID
CREATE FUNCTION oms_demo.uuid(ns text, k bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN md5(ns || ':' || k)::uuid;

-- Bulk loading is faster into a table without its secondary indexes: they
-- are dropped before and rebuilt (sorted, in one go) after, in the same
-- file, so a failure rolls both back. Indexes behind constraints stay.
CREATE TABLE oms_demo.saved_index (tab regclass NOT NULL, name text NOT NULL, def text NOT NULL);

CREATE FUNCTION oms_demo.drop_indexes(p_tab regclass) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT i.indexrelid::regclass AS idx, pg_get_indexdef(i.indexrelid) AS def
	         FROM pg_index i
	         WHERE i.indrelid = p_tab
	           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
	LOOP
		INSERT INTO oms_demo.saved_index VALUES (p_tab, r.idx::text, r.def);
		EXECUTE format('DROP INDEX %s', r.idx);
	END LOOP;
END
$$;

CREATE FUNCTION oms_demo.restore_indexes(p_tab regclass) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r record;
BEGIN
	FOR r IN DELETE FROM oms_demo.saved_index WHERE tab = p_tab RETURNING def LOOP
		EXECUTE r.def;
	END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- Name lists. (display, ascii for the e-mail address)

CREATE TABLE oms_demo.first_name (i int PRIMARY KEY, name text NOT NULL, ascii text NOT NULL);
INSERT INTO oms_demo.first_name
SELECT row_number() OVER (), n, a
FROM (VALUES
	('James','james'),('Mary','mary'),('John','john'),('Patricia','patricia'),('Robert','robert'),
	('Jennifer','jennifer'),('Michael','michael'),('Linda','linda'),('David','david'),('Elizabeth','elizabeth'),
	('William','william'),('Barbara','barbara'),('Richard','richard'),('Susan','susan'),('Joseph','joseph'),
	('Jessica','jessica'),('Thomas','thomas'),('Sarah','sarah'),('Daniel','daniel'),('Karen','karen'),
	('Christopher','christopher'),('Nancy','nancy'),('Matthew','matthew'),('Lisa','lisa'),('Anthony','anthony'),
	('Emily','emily'),('Mark','mark'),('Ashley','ashley'),('Steven','steven'),('Michelle','michelle'),
	('José','jose'),('Zoë','zoe'),('Émile','emile'),('Søren','soren'),('Björn','bjorn'),
	('Chloé','chloe'),('François','francois'),('Łukasz','lukasz'),('Małgorzata','malgorzata'),('Jürgen','jurgen'),
	('Renée','renee'),('Siobhán','siobhan'),('Seán','sean'),('Niamh','niamh'),('Sofía','sofia'),
	('Mateo','mateo'),('Lucía','lucia'),('Andrés','andres'),('Noémie','noemie'),('Inês','ines'),
	('Wei','wei'),('Mei','mei'),('Hiroshi','hiroshi'),('Yuki','yuki'),('Priya','priya'),
	('Arjun','arjun'),('Fatima','fatima'),('Mohammed','mohammed'),('Aisha','aisha'),('Olumide','olumide'),
	('Chinwe','chinwe'),('Linh','linh'),('Minh','minh'),('Ingrid','ingrid'),('Kofi','kofi'),
	('Dmitri','dmitri'),('Anastasia','anastasia'),('Ayşe','ayse'),('Đorđe','djordje'),('Håkon','hakon'),
	('Ji-woo','jiwoo'),('Omar','omar'),('Layla','layla'),('Kwame','kwame'),('Ngozi','ngozi'),
	('太郎','taro'),('花子','hanako')
) AS v(n, a);

CREATE TABLE oms_demo.last_name (i int PRIMARY KEY, name text NOT NULL, ascii text NOT NULL);
INSERT INTO oms_demo.last_name
SELECT row_number() OVER (), n, a
FROM (VALUES
	('Smith','smith'),('Johnson','johnson'),('Williams','williams'),('Brown','brown'),('Jones','jones'),
	('Miller','miller'),('Davis','davis'),('Wilson','wilson'),('Anderson','anderson'),('Taylor','taylor'),
	('Thomas','thomas'),('Moore','moore'),('Jackson','jackson'),('Martin','martin'),('Lee','lee'),
	('Thompson','thompson'),('White','white'),('Harris','harris'),('Clark','clark'),('Lewis','lewis'),
	('Robinson','robinson'),('Walker','walker'),('Young','young'),('Allen','allen'),('King','king'),
	('García','garcia'),('Martínez','martinez'),('Hernández','hernandez'),('López','lopez'),('González','gonzalez'),
	('Pérez','perez'),('Sánchez','sanchez'),('Rodríguez','rodriguez'),('Müller','muller'),('Schröder','schroder'),
	('Weiß','weiss'),('Ångström','angstrom'),('Østergaard','ostergaard'),('Nguyễn','nguyen'),('Trần','tran'),
	('Phạm','pham'),('O''Brien','obrien'),('O''Connor','oconnor'),('D''Angelo','dangelo'),('MacDonald','macdonald'),
	('van der Berg','vanderberg'),('Lefèvre','lefevre'),('Dubois','dubois'),('Kowalski','kowalski'),('Nowak','nowak'),
	('Dvořák','dvorak'),('Novák','novak'),('Nakamura','nakamura'),('Tanaka','tanaka'),('Kim','kim'),
	('Park','park'),('Chen','chen'),('Wang','wang'),('Li','li'),('Zhang','zhang'),
	('Patel','patel'),('Shah','shah'),('Singh','singh'),('Okafor','okafor'),('Adeyemi','adeyemi'),
	('Haddad','haddad'),('Ivanov','ivanov'),('Petrov','petrov'),('Yılmaz','yilmaz'),('Kuznetsova','kuznetsova'),
	('Fernández','fernandez'),('Rossi','rossi'),('Esposito','esposito'),('Jensen','jensen'),('Larsen','larsen'),
	('山田','yamada'),('佐藤','sato')
) AS v(n, a);

-- US cities (city, region, ZIP prefix) and a few abroad; addresses are mostly US
CREATE TABLE oms_demo.city (i int PRIMARY KEY, city text NOT NULL, region text, zip text NOT NULL, country char(2) NOT NULL);
INSERT INTO oms_demo.city
SELECT row_number() OVER (), c, r, z, k
FROM (VALUES
	('New York','NY','100','US'),('Brooklyn','NY','112','US'),('Los Angeles','CA','900','US'),('Chicago','IL','606','US'),
	('Houston','TX','770','US'),('Phoenix','AZ','850','US'),('Philadelphia','PA','191','US'),('San Antonio','TX','782','US'),
	('San Diego','CA','921','US'),('Dallas','TX','752','US'),('Austin','TX','787','US'),('San Jose','CA','951','US'),
	('Jacksonville','FL','322','US'),('Columbus','OH','432','US'),('Charlotte','NC','282','US'),('Indianapolis','IN','462','US'),
	('Seattle','WA','981','US'),('Denver','CO','802','US'),('Boston','MA','021','US'),('Nashville','TN','372','US'),
	('Portland','OR','972','US'),('Las Vegas','NV','891','US'),('Detroit','MI','482','US'),('Memphis','TN','381','US'),
	('Atlanta','GA','303','US'),('Miami','FL','331','US'),('Minneapolis','MN','554','US'),('New Orleans','LA','701','US'),
	('Tampa','FL','336','US'),('Pittsburgh','PA','152','US'),('Cincinnati','OH','452','US'),('Kansas City','MO','641','US'),
	('Salt Lake City','UT','841','US'),('Raleigh','NC','276','US'),('Madison','WI','537','US'),('Albuquerque','NM','871','US'),
	('Honolulu','HI','968','US'),('Anchorage','AK','995','US'),('Burlington','VT','054','US'),('Boise','ID','837','US'),
	('Toronto','ON','M5V','CA'),('Montréal','QC','H2X','CA'),('Vancouver','BC','V6B','CA'),
	('London',NULL,'SW1A','GB'),('Berlin',NULL,'101','DE'),('München',NULL,'803','DE'),('Paris',NULL,'750','FR'),
	('Tokyo',NULL,'100','JP'),('Ciudad de México','CDMX','064','MX')
) AS v(c, r, z, k);

CREATE FUNCTION oms_demo.street_names() RETURNS text[]
LANGUAGE sql IMMUTABLE
RETURN ARRAY['Main St','Oak Ave','Maple Dr','Cedar Ln','Pine St','Elm St','Washington Ave','Lake Rd',
	'Hill St','Park Ave','Sunset Blvd','River Rd','Church St','Highland Ave','Spring St','Mill Rd',
	'Franklin St','Jefferson Ave','Lincoln Way','Madison Ave','Broadway','Chestnut St','Walnut St',
	'Willow Ct','Birch Ln','Forest Dr','Meadow Ln','Ridge Rd','Valley View Dr','Harbor Blvd',
	'Cherry Ln','Dogwood Dr','Magnolia St','Prospect Ave','Union St','Market St','Water St',
	'King St','Queen St','Garden Pl','Orchard Way','Mission St','Camino Real','Bayview Ter'];

-- ---------------------------------------------------------------------------
-- Wipe what the generator fills, so seeding twice gives the same data.
-- Reference data of the migrations (order_status, order_transition,
-- cancellation_reason, policy, holiday) stays. Staff rows of people who are
-- not demo staff are kept and put back (tests may create them first).
SET session_replication_role = replica;

CREATE TABLE oms_demo.kept_staff AS
SELECT * FROM oms.staff
WHERE login NOT IN ('demo_csr', 'demo_fulfilment', 'demo_analyst', 'demo_admin', 'demo_worker')
  AND login NOT LIKE 'demo\_%';

TRUNCATE oms.audit_log, oms.outbox, oms.ticket_message, oms.ticket, oms.return_item,
	oms.return_request, oms.shipment_event, oms.shipment, oms.refund, oms.cancellation_line,
	oms.cancellation, oms.payment, oms.order_item, oms.orders, oms.checkout, oms.address,
	oms.customer, oms.item, oms.staff, oms.seller
	RESTART IDENTITY CASCADE;

RESET session_replication_role;
