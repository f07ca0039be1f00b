from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "cases" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "title" VARCHAR(512) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "incident_date" VARCHAR(10) NOT NULL,
    "merged_into" VARCHAR(32),
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_cases_country_c10673" ON "cases" ("country");
CREATE INDEX IF NOT EXISTS "idx_cases_inciden_04e61d" ON "cases" ("incident_date");
CREATE INDEX IF NOT EXISTS "idx_cases_merged__70d05e" ON "cases" ("merged_into");
COMMENT ON TABLE "cases" IS 'One incident, grouping every member''s alerts about it.';
        CREATE TABLE IF NOT EXISTS "members" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "actor_uri" VARCHAR(1024) NOT NULL UNIQUE,
    "handle" VARCHAR(512) NOT NULL,
    "name" VARCHAR(2048) NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "added_at" TIMESTAMPTZ NOT NULL,
    "accepted_at" TIMESTAMPTZ
);
COMMENT ON TABLE "members" IS 'A member organisation the Clearing House follows.';
        CREATE TABLE IF NOT EXISTS "case_events" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(16) NOT NULL,
    "detail" JSONB NOT NULL,
    "by" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "case_id" VARCHAR(32) NOT NULL REFERENCES "cases" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "case_events" IS 'The audit trail of a case: every grouping decision, automatic or an editor''s.';
        CREATE TABLE IF NOT EXISTS "indexed_alerts" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "uri" VARCHAR(1024) NOT NULL UNIQUE,
    "alert_type" VARCHAR(16) NOT NULL,
    "headline" VARCHAR(512) NOT NULL,
    "summary" TEXT NOT NULL,
    "language" VARCHAR(16) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "incident_date" VARCHAR(10) NOT NULL,
    "categories" JSONB NOT NULL,
    "act_types" JSONB NOT NULL,
    "target_keys" JSONB NOT NULL,
    "follows" VARCHAR(1024),
    "search_text" TEXT NOT NULL,
    "note" JSONB NOT NULL,
    "published" TIMESTAMPTZ NOT NULL,
    "updated" TIMESTAMPTZ,
    "deleted" BOOL NOT NULL,
    "review" VARCHAR(16) NOT NULL,
    "boost" VARCHAR(16) NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "create_activity" JSONB NOT NULL,
    "case_id" VARCHAR(32) REFERENCES "cases" ("id") ON DELETE CASCADE,
    "member_id" INT NOT NULL REFERENCES "members" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_indexed_ale_country_23a9eb" ON "indexed_alerts" ("country");
CREATE INDEX IF NOT EXISTS "idx_indexed_ale_inciden_25efe3" ON "indexed_alerts" ("incident_date");
CREATE INDEX IF NOT EXISTS "idx_indexed_ale_follows_f0cab4" ON "indexed_alerts" ("follows");
CREATE INDEX IF NOT EXISTS "idx_indexed_ale_publish_b519c6" ON "indexed_alerts" ("published");
COMMENT ON TABLE "indexed_alerts" IS 'A member''s alert as the Clearing House indexed it (never rewritten: the member''s Note is kept).';
        CREATE TABLE IF NOT EXISTS "boosts" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "undone" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "activity_id" VARCHAR(64) NOT NULL REFERENCES "activities" ("id") ON DELETE CASCADE,
    "alert_id" INT NOT NULL REFERENCES "indexed_alerts" ("id") ON DELETE CASCADE,
    "announcer_id" INT NOT NULL REFERENCES "local_actors" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_boosts_alert_i_32a8fe" UNIQUE ("alert_id", "announcer_id")
);
COMMENT ON TABLE "boosts" IS 'An Announce of a member''s alert by one of our actors (the Clearing House or a topic).';
        ALTER TABLE "remote_objects" ADD "via" VARCHAR(1024);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "remote_objects" DROP COLUMN "via";
        DROP TABLE IF EXISTS "members";
        DROP TABLE IF EXISTS "cases";
        DROP TABLE IF EXISTS "boosts";
        DROP TABLE IF EXISTS "case_events";
        DROP TABLE IF EXISTS "indexed_alerts";"""


MODELS_STATE = (
    "eJztXW1z2zYS/isYfbl0Rpex5ZekuZubsR2ncZvYncR312mnw6FIWGJNASwJWtH08t8PAE"
    "nxDaQISaQpZr8kFoEFpQdvuw92F3+NFtTGbvDywmLOk8NWozforxExF5j/USobo5HpeWmJ"
    "eMDMqSsrm1EtB8vH5jRgPn/ESx5MN8D8kY0Dy3c85lAi6l8QFIus0BKjABM2Ro/YY+gJ+1"
    "OTOQsUUOQw5AS80H/CNjKJjfh7HV6Bf5quGEYP1Jd/vBQvtanF3+qQWUvth8T5M8QGozPM"
    "5tjnb/ntd/7YITb+wn92/NF7NB4c7No5KB1bNCCfG2zlyWdXc9N/J2uK7z41LOqGC5LW9l"
    "ZsTsm6Ov9p4ukME+ybDNsZaEnounE/JI+i78ofMD/E6y9ppw9s/GCGruggIR19g/TZyDBu"
    "7+6Nz9f3hjEqdV4ikcE7fmRRIjreISyQv39hfjFcTGZszj+en36N3pPiENUSL/zPxaer9x"
    "efXpyffideSPnoiQbWbVwykUVfZRMmM6NGJOopzKHv6OAcVx8c0MdHkyZQi2qVYEeFAu4U"
    "XomQBr5J/f0AnDxIEU6Xls4hPpk0APhkUgmvKMqDS6d/YIsZmkM4L7UV0PE4rcF5eCN5Su"
    "1VGeZ7/IWpYU7qD2Ik1wB6f/3LvWh5EQR/ulkYX3y8+EUivFjFJR/ubn9Iqmdgv/pwd1kA"
    "2/KxAMcwWRnyt7yE78VYDXtesgC+HYu+TP44wK4Y8R9o3xF3Fc+yuq65+Xj9+f7i48+5/n"
    "l7cX8tSia5vkmevjgvzIp1I+i/N/fvkfiIfr27vZbw0oDNfPnGtN79ryPxncyQUYPQpWHa"
    "mQUheZqglut1rn1R31ApPjekYpZlRQqdzQE7xO6diS/x98nx6avT1yfnp695FflF109e1f"
    "T4ze09n0lCp3x4VKo7Eq8yvu+oj50Z+QmvJMw3/CuZxFLtxLGG/4FapnuRNHZgGH9NRlHy"
    "NB2fvrlc6+K5wcUh4D8cs2hzvfh8dfH2eiSRnprW49L0baMC8inlsyQoY34Zy7376RN2Tf"
    "kbKuG+FG0MCOnctI8NqNgO3B6kt1E7q6Hi9GASGu46kt7JRn6k0yGhJKYhndDM9MtNzHLR"
    "YrIoPjGJOZM/SbxbvCnhMlzss5GK5JAF41qGQ1TRYDdEdeSFU9cJ5pJPQJRgRB8QDX0kV6"
    "MAvUiohwCZ6JYy/J2aydihLWAt+mHpVbMWoqAM9I+f727VQCf1i/qwYzH0P8SHyAFvLiqQ"
    "BRL1RknR/ihos6KBolEy54q36xAtPiMrMwhLMD/Sz46bDHVeq3Ksy7I8zq5JZiFfjHVwzs"
    "oMEOfj8yaURtF0yxAa50WQLRoS5isYjWqMMyJtQfx8a3aTcVw9iktjeL3x6vIXOcFu6Isu"
    "QT8QtiIBqZauCD1b4q7ZwxmxPfTvZiq2L3vywfVvZO9vQ0LmJaGX+9zLD9hkoa+axpeUut"
    "gk6i7OihU6eMrl2tI41k+67dXLu7sPuQ69vCmy+P/+eHnNdRDZk7ySEzFlESGZ0+4Ec2hs"
    "QfWWBYHw3Uz4ZlAD2rcZ7VseaLrkb5t8VEQFK/ioNUdczUelVHQjPuqCEK7yW5I1MtECL6"
    "bY/1sQU0tqQonNMbriq6boCPSehgGvwUsRo55jqZmqdt6i4LB+i/g4+fPjd/qj33dhtirX"
    "qqbrUzz8+str7WFxGtfwWCGxqYpQqd16UyHYeDU2XjhTrx7mgz5Tlx6NSl2rmuspiA2QUt"
    "uXa2EGarG7aLovZERAm1UsWuuNWhPXghhg28A1JFGOdrQRbiJ01sejB4ZyY+eQzNRV2wfK"
    "cQxGWEN4CzO4AcSZoIMdEc7GLwwV3/wG3ycL98oM8Ehh4Mrn4zr71uI1Gpq3d9yqdIjl2D"
    "LKY+bT0BPGJBYORAUjlP83pSFDDivbr9s3A04WfXeyYA5z9YIXEoEBqsutnPTDIXSrh9DJ"
    "wmQI01xrySgKDg/q46NGQSI1ISJFtBfY59uZwV9HdbAuiA0uHmf/YU9AZFVDP1wiK3ab2K"
    "LX85LQ633pdcXx/Nqbu2RsbIqy4Bo32dU3XhgY16KdAxwDjSIIUn/07UHSpHf66bnSbQhB"
    "Oq4qrNr1oKs3bY10kG82cO/nGJmh7TAkfqgbna6KVt7E1unaWLWx5QRcaozETFzw/rfkcS"
    "pBmItTbsCW7d69t75ncxhOZnc8mX3kP0tHjU3qD9D03b/ztY0ZnzRleGsCONYS3YdwjP75"
    "EBJLYIimoeMyhwQvxWv/NWp3ke4ssGOqxUBMOw7rHwWrgOFFW2C3fSoK1lo19Ieptzex1q"
    "S6osdTZ0QGuInshwapOb614tORHY++kkOWAwO76bFXZpD16chrHbquMBCyYe3V9kE+iH6z"
    "efCZ8W+C2JK+kQ6WAR8k2EY/332+l86W/NE6Fxqj8rNDpvRL2RLYpSG1k2bm8FVW3c1H89"
    "KZfSvGwPeTycnJq8nRyfnrs9NXr85eH62tgnJRnXlwefODsBByS9Fmk4EvLSxUsAvVS34q"
    "0dkBw8jDxBZYHqjpYDKuC3oqEqfaGSoj0p0j1FG7Y31vHmYEf2GG8hCyXjvNykGcZn8o5L"
    "Iu6mKx6YeEqUzu+k4uiEIkX6/7mVqP3FzUs+ZzQi0dvg7Ky9k1A2Zg31fFk1VnQ8xLDQHn"
    "upkDKRGBR9kPjxIZQBrr2VpggBxKW6ld53HgZFOMk/rD84qanJ01cUE7O6t2QhNlih2jyj"
    "isDvfOS21luPRsy9i36bLOPL9dioqcLKi2fVZtIYqvVf22LioKokqGEVWSJj5VcOy5rKjV"
    "JHuUgdX4g061WPY4g0G85K7eIPzFEzeHmKTEjSdkP/LpEnnYr2fd99Pwnl1vgHAHwh0Idy"
    "DcgXD/VrVVINy/kX4Gwh0I917MHCDcgXDfD+HOJ5RvGtI4Ut1HUu2hXRLsh6O2eN9gHLV5"
    "vz1Q16VL7KuimOqSxhVFO0wdl6iRB5s5DthHYB97sPMfNPsYrz0jFfmYlI1rucfs6tUgfS"
    "vy8YIyHOVMRZG0iMcrpVNVJGXVk1V68RbyDkfZdMWdo5Bw9TnD+tJ+0FvIU6EBLuNt+RWA"
    "80YHIAccTZk/RRProtwQTORuEI/2A01lMCcEw7sx2MBCVHfAcFkIuCQDLsnot63V70sy3i"
    "Umy6jS3oqPpDcZXEm1RglF89dUpHaTmTOo1FlENWSbGFzM9HkpWFzPbnFlOkJDXcpLgb4E"
    "ymkfwRbuRFqJRdcCHaZPOXD/IzAAqqEHAwAMADAAwAAYlQyA9xWX5L3feEfevPkVeWuf6j"
    "k2XTZP8p3E+rpo6B/y3wCxucnQI8Yeb8pxpVrvY+SZ/iO2y+bAHtvdwbf7eaPienTTwB6D"
    "4qrNBPENsBUy3vGG6MvQV7mfVC77VeLgflx0Zogmx3beqUVZcE/ttXsqOE4+i+NkFLkbWh"
    "YOFEvYBv/vgizMsL7NsJIW/TwK3o04t70ReVEVWl5aWKvqybNfw+H1mt+J7BCLLqSiFTsb"
    "jVHAVWBsoyl+4P+jJUYmCZbYR5OjyRh5PhVjWZSvkLi3WL4ULSnfSRRMcCtvgAA/CPCDAD"
    "8I8IMAPwjwgwA/6GcI8Ht2n3+wU/VmDgT4wcna5kWtyclan4KZekRyt+UiAAEHHYI9pbZi"
    "q67eQ5L6g4C4i+2jN+RX5g4+Jf+Vv6OvjgKTNY30ZsAmoWX5i82RGUje6Yrr9qKH0HsaBo"
    "KGkk0jh6EXRFwKh3y89B1uOpM3sv66lVtxrOkE6BF77DtVOFrr74Pb5/rlNKm5X+x1p/gW"
    "NmUxjSKcdHblnNQg9oy2ucU5V6Ndh2jBnJUZIMhnx01uwuK1KmGWZQVH1HCxMFWMY7Xukx"
    "Hp0Bm1LZK8+zNeMgu5cqJFDGVkBjiwW3D9pSFR8ug1l+ilIgPMTt7EDavaCascnm05NibM"
    "sDW92EuCw4P6+KiR3lGjdZQGM0diRpML6vJQV2dVyktBSqX6hXyLlErc0otfo9ErOSHolL"
    "13Shz99YhXWt1SEIOO2XvHRIFiWh4ZGZGWDmmGZ58G2PStucG48q6l0ufFQK3XVusJVWlC"
    "1StOUr/7peZ5iORWFhUvnHKk5lhBJG5wR88KgsdMnz0pQs+WuGv2cEYMPGX63L9R4JvKWb"
    "YuKWlGqsN8pOsnB5uQ1MdPDl7qaGGpRIdagel5Pn3Cybc5OP6JD0K9EMC1AIT3N8XYxxZ2"
    "nrbyQiqIghtSX3aMJm5IkQuZUZ3gt4YTK4v2w9QXrx2MqW8JP2U9H7GMyBD8MfNL30kT9v"
    "2kmn4/KfHvkT+GXnqLnAxkttic2SICrIywdlKLj+uGDgzgpgktckNLncuiuD7sAdaruJnD"
    "WhqaYppZEXWzgxTUUNV9D7Hcu58+YdeUP6ES5stEMx3I4P3arnshw8IFMPquCu/CtHhc71"
    "y4rtjYtfCD84gR9dEFIZQrGDhJfhKnR6TTP7DFlDnrNSTB3a9f7n7gk9/p8coj/3E6OCf1"
    "wWmnSTgxBDx0N5KjRV0X7bzUEJ13IBc9MFW7MFU9iXPJJFJU6KH5NIvVamgmU2HzPC/R1U"
    "ds7gSI8CYRXZIgCiOh/swkTiANjnGccCWy8iKhMeLGCOay1HMsNPNp6Kn01VZeAYptvxTb"
    "MMC+/Ftjd8rKDE6l3X/0PCizLSqzumN3v+O2V+DuMQsoxK08m4Ob5ztP4vDsEa8ML8oP1x"
    "R4hegghnnnXSC81qyteqAkCR2w1RygD46LE4Wl1AHVJ89lyX4cPA/Kx9zh7zdCX5FZqyYi"
    "KSMzvKNn4DOAz+iMzyidSigj1nTOHgd483Y5m8CuGCWpSoYIEBxgbwAod7f59hhlL1IfLk"
    "yxs+uuMMXNDAWnNmno2PVJQUGnTlHV9HPkV6SZWylHAauyHcVhhdXZkrRaAN64X7xxXw6R"
    "e8Qct2UEzE1iu3oJetYSAyDgOkjO038SuSN0J0enr5twyLxaNYksC+Eazs7demx7K6YgKw"
    "c8Qd95grwjl4W97eihgiiE7vYtdHc7PmgPPEcxM+uBTfdnMb8+yXsvK92AssXjOkMsuj9T"
    "zxEIWaY1x3Zy92bkssNxCheYMMQVQeQwkUh2pTLEtGTBBOuXCQYpaNv1Qce63v6pBHjsNk"
    "UZztqf+axd3sWndZKbCAwC7o7ShXE0ubKtjXVRDk7OmyLeD7/WPlE7bXgH2nTBX6eDcSoB"
    "CDdBGKjJlqnJ/ntnj37GfhCZ7IeYRCOxJ8sgV7vxZWX64cA3qMwxD5gJu38L3jAvOUC6+N"
    "B5w2w3z6jqXo/afH+JCCT725DsryfxhxG1eCfDhUeV1GNcPm7APcZJKBqSjyROWoGSTG/o"
    "wacLxNvGyzn28ZvoPqxApLiIWE1xN3zk1zHmQp7r4AAxKvJfqEMQ990+kJhAYvYD2G/8cs"
    "vhYS0h0oA5qT9AHm3/VoRDDLGcr/jKrUdW5sTgfoOGY1ms11oGW1wf0uzvYJZBpt1v048n"
    "zqG/RbfnJcGLp8/WOCTg7zIB/5Oj2L+q9YS4Opyv1SkIPeE8LrDvWPORgu2IS8Z1PIeZ1t"
    "nEb1RDDixCv1iEJ+wHsVdj4xmfigzQAGvlLFJMKg2E4+oDRPf4qNnlo3W3j5avH6WEaR6T"
    "ZUTA8NI0vJ51M/v6f8UyPq0="
)
