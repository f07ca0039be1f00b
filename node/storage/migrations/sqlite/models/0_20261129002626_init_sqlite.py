from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "hosts" (
    "host" VARCHAR(255) NOT NULL PRIMARY KEY,
    "consecutive_failures" INT NOT NULL,
    "parked_until" TIMESTAMP,
    "last_error" TEXT,
    "last_success" TIMESTAMP
) /* Delivery health of one remote host; hosts that keep failing are parked. */;
CREATE TABLE IF NOT EXISTS "inbox_items" (
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_try" TIMESTAMP NOT NULL,
    "lease_until" TIMESTAMP,
    "locked_by" VARCHAR(64),
    "last_error" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "activity_id" VARCHAR(1024) NOT NULL UNIQUE,
    "actor_uri" VARCHAR(1024) NOT NULL,
    "body" TEXT NOT NULL
) /* An incoming activity, stored before we answer 202, processed by the inbox worker. */;
CREATE INDEX IF NOT EXISTS "idx_inbox_items_status_239bfe" ON "inbox_items" ("status");
CREATE INDEX IF NOT EXISTS "idx_inbox_items_next_tr_1749b2" ON "inbox_items" ("next_try");
CREATE TABLE IF NOT EXISTS "interactions" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "activity_id" VARCHAR(1024) NOT NULL UNIQUE,
    "kind" VARCHAR(16) NOT NULL,
    "actor_uri" VARCHAR(1024) NOT NULL,
    "object_uri" VARCHAR(1024) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* A Like or Announce of one of our objects. */;
CREATE INDEX IF NOT EXISTS "idx_interaction_object__044bf5" ON "interactions" ("object_uri");
CREATE TABLE IF NOT EXISTS "local_actors" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "username" VARCHAR(64) NOT NULL UNIQUE,
    "kind" VARCHAR(16) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "summary" TEXT NOT NULL,
    "private_key_pem" TEXT NOT NULL,
    "public_key_pem" TEXT NOT NULL,
    "profile_fields" JSON NOT NULL,
    "icon_url" VARCHAR(1024),
    "created_at" TIMESTAMP NOT NULL
) /* An actor this node owns: the organisation, the instance actor, later topic groups. */;
CREATE TABLE IF NOT EXISTS "activities" (
    "id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "uri" VARCHAR(1024) NOT NULL UNIQUE,
    "type" VARCHAR(32) NOT NULL,
    "object_uri" VARCHAR(1024),
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "actor_id" INT NOT NULL REFERENCES "local_actors" ("id") ON DELETE CASCADE
) /* An activity we sent, kept verbatim so it is served and delivered byte for byte. */;
CREATE INDEX IF NOT EXISTS "idx_activities_object__0e6a15" ON "activities" ("object_uri");
CREATE TABLE IF NOT EXISTS "alerts" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "data" JSON NOT NULL,
    "headline" VARCHAR(512) NOT NULL,
    "language" VARCHAR(16) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "published" TIMESTAMP NOT NULL,
    "updated" TIMESTAMP,
    "deleted_at" TIMESTAMP,
    "featured" INT NOT NULL,
    "local_actor_id" INT NOT NULL REFERENCES "local_actors" ("id") ON DELETE CASCADE
) /* An alert published by one of our actors (served as a Note). */;
CREATE INDEX IF NOT EXISTS "idx_alerts_country_6b8154" ON "alerts" ("country");
CREATE INDEX IF NOT EXISTS "idx_alerts_publish_c0188f" ON "alerts" ("published");
CREATE TABLE IF NOT EXISTS "deliveries" (
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_try" TIMESTAMP NOT NULL,
    "lease_until" TIMESTAMP,
    "locked_by" VARCHAR(64),
    "last_error" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "inbox" VARCHAR(1024) NOT NULL,
    "host" VARCHAR(255) NOT NULL,
    "last_status" INT,
    "delivered_at" TIMESTAMP,
    "activity_id" VARCHAR(64) NOT NULL REFERENCES "activities" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_deliveries_activit_6e24bd" UNIQUE ("activity_id", "inbox")
) /* Stage two: one signed POST of one activity to one inbox. */;
CREATE INDEX IF NOT EXISTS "idx_deliveries_status_3acd85" ON "deliveries" ("status");
CREATE INDEX IF NOT EXISTS "idx_deliveries_next_tr_75fa42" ON "deliveries" ("next_try");
CREATE INDEX IF NOT EXISTS "idx_deliveries_host_b30484" ON "deliveries" ("host");
CREATE TABLE IF NOT EXISTS "fanout_jobs" (
    "status" VARCHAR(16) NOT NULL,
    "attempts" INT NOT NULL,
    "next_try" TIMESTAMP NOT NULL,
    "lease_until" TIMESTAMP,
    "locked_by" VARCHAR(64),
    "last_error" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "extra_inboxes" JSON NOT NULL,
    "to_followers" INT NOT NULL,
    "activity_id" VARCHAR(64) NOT NULL REFERENCES "activities" ("id") ON DELETE CASCADE
) /* Stage one of delivery: expand an activity to one Delivery row per inbox. */;
CREATE INDEX IF NOT EXISTS "idx_fanout_jobs_status_a130cb" ON "fanout_jobs" ("status");
CREATE INDEX IF NOT EXISTS "idx_fanout_jobs_next_tr_672171" ON "fanout_jobs" ("next_try");
CREATE TABLE IF NOT EXISTS "followers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "actor_uri" VARCHAR(1024) NOT NULL,
    "inbox" VARCHAR(1024) NOT NULL,
    "shared_inbox" VARCHAR(1024),
    "follow_id" VARCHAR(1024) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "local_actor_id" INT NOT NULL REFERENCES "local_actors" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_followers_local_a_5d028b" UNIQUE ("local_actor_id", "actor_uri")
) /* A remote actor following one of our actors. */;
CREATE TABLE IF NOT EXISTS "following" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "target_uri" VARCHAR(1024) NOT NULL,
    "follow_id" VARCHAR(1024) NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "local_actor_id" INT NOT NULL REFERENCES "local_actors" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_following_local_a_574a73" UNIQUE ("local_actor_id", "target_uri")
) /* One of our actors following a remote actor. */;
CREATE TABLE IF NOT EXISTS "remote_actors" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "uri" VARCHAR(1024) NOT NULL UNIQUE,
    "key_id" VARCHAR(1024) NOT NULL,
    "public_key_pem" TEXT NOT NULL,
    "inbox" VARCHAR(1024) NOT NULL,
    "shared_inbox" VARCHAR(1024),
    "username" VARCHAR(255) NOT NULL,
    "domain" VARCHAR(255) NOT NULL,
    "name" VARCHAR(2048) NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "document" JSON NOT NULL,
    "fetched_at" TIMESTAMP NOT NULL,
    "gone" INT NOT NULL
) /* A cached remote actor document and its key. */;
CREATE INDEX IF NOT EXISTS "idx_remote_acto_key_id_4c7620" ON "remote_actors" ("key_id");
CREATE TABLE IF NOT EXISTS "remote_objects" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "uri" VARCHAR(1024) NOT NULL UNIQUE,
    "actor_uri" VARCHAR(1024) NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "in_reply_to" VARCHAR(1024),
    "data" JSON NOT NULL,
    "received_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP,
    "deleted" INT NOT NULL
) /* An object received from elsewhere: alerts of actors we follow, replies to ours. */;
CREATE INDEX IF NOT EXISTS "idx_remote_obje_actor_u_3f3f18" ON "remote_objects" ("actor_uri");
CREATE INDEX IF NOT EXISTS "idx_remote_obje_in_repl_c72f74" ON "remote_objects" ("in_reply_to");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXWtv2zgW/SuEP3UAb5E4j2a7iwWcNplm2sZF4t0dzGAg0BJts5FJDUXFMWb735fUw9"
    "aDUiTHkmWFX9qY5KXsQ4q65/Be6q/eglrIdt8OTY4fMV/13oO/egQukPgjU9cHPeg4mxpZ"
    "wOHE9hvDoBVGfjGcuJyJIlEzhbaLRJGFXJNhh2NKZPshAaHJCiwRcBHhffCAHA4eEZtAjh"
    "fApQBzgF1RyR6RBSCxgLguFg3Ep8mKIzClzP/jrbyoRU1xVUxmNfXvEfynhwxOZ4jPERNX"
    "+f0PUYyJhZ7Ezw4/Og/GFCPbSkCJLdmBX27wleOXfZhDdu23lN99YpjU9hZk09pZ8Tkl6+"
    "bip8nSGSKIQY6sGLTEs+1wHKKi4LuKAs48tP6S1qbAQlPo2XKApHXwDTZlPcO4HY2N+6ux"
    "YfQygxdZxPAOi0xK5MBjwl3/9y/gk2EjMuNz8fH89EdwnQ0OQSt5wf8M7z58Gt69OT/9SV"
    "6QitkTTKzbsGbgV/3wu4AcBp34qG9g9hiugnPYvHNAHx8NykAtm+WCHVRKuDfw+ghVwDdq"
    "vxuAo4INwpulpXGITwYlAD4Z5MIrq5Lg0sl3ZHKj4hROWm0FdDhPC3Du3kyeUGuVhXmMnr"
    "ga5qh9J2ZyAaDjq1/HsueF6/5px2F883X4q4/wYhXWfBnd/hw1j8H+4cvoMgW2yZAEx4A8"
    "C/lHUSOexUgNe9IyBb4Vmr6N/jjAoeiJH2iNiL0K77Kiobn5enU/Hn79lhifj8PxlawZJM"
    "YmKn1znror1p2A/96MPwH5Efw2ur3y4aUunzH/ipt249968jtBj1OD0KUBrdiCEJVGqCVG"
    "XXhflBkqx+eG5NxlcZPUYAvADnF4Z/JL/G1wfPru9OLk/PRCNPG/6LrkXcGI39yOxZ0kfc"
    "rpg9Ld8fHK4ntNGcIz8hmtfJhvxFeCxFQ9iUMP/ws1oT2MOjswjH9Esygq3cxPBpdrXzwx"
    "uQQE4ocjHjxch/cfhh+vej7SE2g+LCGzjBzIQ34Q0pwk7peh7fXnO2RD/3fkQv4x6GfVIc"
    "ATd/8UEurxF4J07XfyC510CSU5y+iAxmZXYt5lqxaDRboEEjjzf5K8trxSRNVtxHhPxeH9"
    "in4hgZdNKpB32Rw43sTG7tyny4ASBOgUUI8B/2ZzwZuIWbsAglvK0U9qov6CvjQpbweRyS"
    "flsiIL9C/3o1s10FH7tLuHTQ7+B8QUOURPoABkiUSxz512r1POmuwg7XPPhV9pY1KJrsdt"
    "OkF0kjP97LjMVBetcue6X5fE2YZk5onFuArOcZsO4nx8Xoaxp5lJjK+fp0E2qUc4UxD2fI"
    "xjJnVBvL81u8w8zp/FmTm8fvBWpecJw2bYeZOgHwgZj0AqZOOeY/m4VxzhmNkOxvd5pbEt"
    "z+SDG9+Azm6jsSUt9Si3eZSnCHKPqW7jS0ptBIl6iONmqQGeCLu6PI51SbOjejkafUkM6O"
    "VNWqT+99fLK+GD+CMpGuFACAr0toR3J4UxYwslM2uo9czn9cwYalrVLKdqZidaVW2zTj1q"
    "rXIqJKm4ApqvSiX11ueVqXsuvgngS/rel5BcMWOQBb6N7se+nCSK1lEhnPqfMZnQp6ws9Z"
    "KOFJrU71GAjP97/aa9P14iVF3iWe7qU3bFCSdUe5WqYLn5+2BwcvJucHRyfnF2+u7d2cXR"
    "et3JVhUtQJc3P8s1KPEsiBb9fP1KrDPcUyjZ+eRzY9EY9+w5iFgSy7qGomaKDzlHC0e1YZ"
    "C/Wxgzae7petTiR2scUIKeuKEUTYrpQNxOU/o2kwHh77vI8AjHdtVBTplq0tfqcabmg+Dn"
    "k0r6Z8KoprCwPWrMuwoljQv5LjcQYyrqkR8XlrTqAs46OKw1Q9Hh4LCAAFVYz9YGXdwwqy"
    "nIdU5dxU1VsP8btu/ghtnZWZkts7Oz/E0zWad4YuSRw3xlMGm1FXFp2SNj19RlnYOz3W5G"
    "wla7tm12bSNNTCmu5y9UKbMOPhJ2498Whw6v1cgX6uzx/MADA71C7HB8wrVJYt/EyCo09k"
    "QAbb7IHgTrGt/ppJLKHsZohkvu6j1AT47MoYQko41HYj9gdAkcxIpV9910vOPIUC24a8Fd"
    "C+5acNeC+2v1VrXg/krGWQvuWnBvxZ2jBXctuO9GcBc3FIOGT45Uqav52VgZw+bTsnr/nH"
    "rElIMJJh62OSbuW3m9f9XlezedrCXGbUptmy4RU2XMFoX2pk0bDO+N3MiDje7V6qNWH1vw"
    "5D9o9TFce3oq8TGq6xdqj/HVq0TmOWBoQTkKssJBYC1AziaMKzLNq9kqo3hTIepB4LU8fe"
    "lFwbyvRVh8odiSLxluxqHaQr4x6uAyXldcgQ7eaABkV6ApuFZlrNN2XaDIzSAePA8qOoMJ"
    "Iz29S4OtVYj8AeiuCqHzKXU+Zbu5VrvzKa8jytLL5VvhlvRzhCtq9izhGmUO4trwJpggVF"
    "nCVdG2DOHikIlazbj2zrhiA1HBXUpaaX9JO6dtBFuGE1U60Wtt0BzIhx5/pAlAPvSaAGgC"
    "oAmAJgC9DAH4JFO0FL7/pzB1K9/tl8ldJfdY1jHVcwRtPo/OOwn9ddnRP/x/XcDnkIMHhB"
    "zRFbZ9t54h4ED2gKwsHdhhvy+I7d5vVlyLTv7dYVJcPk2Q3wCZHhcDb8ix9Jgq/CR32c8z"
    "1+HH6WCG4ObYLjo1bavDU1sdnqoDJ/cSOBlk7nqmiVzFEvZM/HfKVt9hbbvDMl70fhy8G7"
    "lve8PRQuXlbSoLXT1/79fAol351zlgYtKF72iFwUZ94AoXWL6MAU3F//IdipC4S8TA4GjQ"
    "Bw6jci4HL2sQLliQdweWVDxJFEpwLVfQCX46wU8n+OkEP53gpxP8dIKfHmed4Lf3mH/NU6"
    "vdOTrBT++sPb+olXzdamuSmVokctcVIqATDhoEW7+tu+bHR2vEL46kUhUgpJC/NtX9YgFs"
    "3bB0WtkX/IAAZWBICPWIiaLdyTB+kU6+I5Mrk8oqWO5YsXotclWdaWP6odncOv4gflwVnK"
    "P2nVjHa9f7tEfS3EwOFvWqaCetunfMsk4W04z2ZYy2JY5oLNJR4Ycm4yDz3dBYKGH5jdjg"
    "bAI+xy4goktAl8R97+9/UjaDBLtQNu6HO6JByGZg1Ae2mLfCljrYBDNGPUflr9ZyCe3Yts"
    "ux9VzE/L8rPJ3iNp1zaXcvb2tntkZnturc3e28bRW4tby7wvUWC6jays4X1WImDWY59WrC"
    "uOlNGYfhR4GN8YBWhhMEcJUFXmHaiWne+BB4ExubW41AxlIPwFb3AJ1iG0UOS2YA8g+hzF"
    "rqUyiLh2eLUyixuL7hMUXoS8HJTjGbLuzVaz1j3wPwavWMzK4EVmVKXYa215/vkA2jrbBX"
    "czRmUvG2EVPFt1bCSPbRVYCKDhWugFH8IM/uwhSGer8UprCbruBUp8p65yf+5sqs8ep+kc"
    "4aJBBXE1qBCc05spInwgqcvAUiHMiXTWHuAuHxq3b8K9lqabRl0mi1Pbudbta1SBCtbY8f"
    "VY2m2FjoHdGyKGstY89ahj4DWZ+B3EHE27FvuNedgQZ2Xyy6EJergvHGQiNcBuH27x82he"
    "7R6UUZeEWzfHz9ykPb/e59Q8wN+Hr9MJ8MSoB8MsiFWFal14iAT1bZJonbtGODRF62Mxsk"
    "U8Ql799Ctk9adlC2PxCZPsKkMJNuRoni2VH4FrbIpMG3r61LDur1ay2J7wykxZEfjt3LlR"
    "7D+n4J7TFM8ikpPpIwKQgwZCL8iCwwZXQBRN9oOUcMvQfB1oZMIQoPTl+i8Oz0vjBybIxc"
    "wKnML1KHeO66fy1iahGzHcC+8uze7mHtQ1QB5qh9B3W03bMITAy5nK/Eyl1NrEyY1aSfdW"
    "8uy/W6EmEL2zdP1vbDBWqhZZGTswUvS5l2kJh1LJ4qoVU71pZRdElLfVZXm9l4cPS+6rjO"
    "IkIes9Kc/DA4+RAxbM57CjYe1vSLeDjctHmOf+dDrlluu1juI2JuGHJX1nONmXSQINSyVy"
    "ZvqgoIh807iO7x0VEpUnBUwAmOMrH+lPCK2zgxE00MKhKDvT7Mfvwfup5ZxQ=="
)
