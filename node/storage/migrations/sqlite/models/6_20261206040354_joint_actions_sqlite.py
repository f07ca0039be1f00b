from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "joint_actions" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "uri" VARCHAR(1024) NOT NULL UNIQUE,
    "own" INT NOT NULL,
    "proposer_uri" VARCHAR(1024) NOT NULL,
    "proposer_name" VARCHAR(2048) NOT NULL,
    "title" VARCHAR(512) NOT NULL,
    "language" VARCHAR(16) NOT NULL,
    "text" TEXT NOT NULL,
    "addressed_to" JSON NOT NULL,
    "asks" JSON NOT NULL,
    "deadline" TIMESTAMP,
    "about" VARCHAR(1024),
    "invite" JSON NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "refusal" VARCHAR(32),
    "version" INT NOT NULL,
    "text_hash" VARCHAR(80) NOT NULL,
    "document" JSON NOT NULL,
    "update_due" TIMESTAMP,
    "published" TIMESTAMP NOT NULL,
    "updated" TIMESTAMP,
    "closed_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL
) /* A joint statement: one we proposed (``own``), or one we were invited to sign. */;
CREATE INDEX IF NOT EXISTS "idx_joint_actio_state_829d9d" ON "joint_actions" ("state");
CREATE INDEX IF NOT EXISTS "idx_joint_actio_update__b5a777" ON "joint_actions" ("update_due");
        CREATE TABLE IF NOT EXISTS "joint_invitations" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "invitee_uri" VARCHAR(1024) NOT NULL,
    "invitee_name" VARCHAR(2048) NOT NULL,
    "inviter_uri" VARCHAR(1024) NOT NULL,
    "invite_id" VARCHAR(1024) NOT NULL,
    "network" INT NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "accept_id" VARCHAR(1024),
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "action_id" VARCHAR(32) NOT NULL REFERENCES "joint_actions" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_joint_invit_action__a9db2f" UNIQUE ("action_id", "invitee_uri", "invite_id")
) /* Who was invited: for our statements, one row per invitee; for a received one, our own invitation. */;
CREATE INDEX IF NOT EXISTS "idx_joint_invit_invite__71e622" ON "joint_invitations" ("invite_id");
        CREATE TABLE IF NOT EXISTS "joint_signatures" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "signer_uri" VARCHAR(1024) NOT NULL,
    "signer_name" VARCHAR(2048) NOT NULL,
    "accept_id" VARCHAR(1024) NOT NULL UNIQUE,
    "document" TEXT NOT NULL,
    "version" INT NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "received_at" TIMESTAMP NOT NULL,
    "withdrawn_at" TIMESTAMP,
    "action_id" VARCHAR(32) NOT NULL REFERENCES "joint_actions" ("id") ON DELETE CASCADE
) /* A signer's Accept of one of our statements, kept as received and served at its own URL. */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "joint_actions";
        DROP TABLE IF EXISTS "joint_invitations";
        DROP TABLE IF EXISTS "joint_signatures";"""


MODELS_STATE = (
    "eJztXW1z2za2/isYfVlnRu11nNjxde/cGTsvG7dJ3Enc7c62HQYiIYk1RWhB0Ip2N/99Af"
    "CdBClCFmkSwZc2JnFA6QEEnvPgOQf/nqywg7zg+0ubuvcu3U4uwL8nPlwh9o/KvSmYwPU6"
    "u8MvUDjzRGMYtXKRuAxnASXsErszh16A2CUHBTZx19TFPm9/6YPYZAs2CATIp1Nwh9YU3C"
    "Myg9RdgQADlwI3YDfJPXIA9B3AnuuyBuyv2ZYiMMdE/ON7/lAH2+yprr/oqP/Qd/8ZIovi"
    "BaJLRNhTfvuDXXZ9B31hXzv+c31nzV3kOQUoXYd3IK5bdLsW114uIXkjWvLPPrNs7IUrP2"
    "u93tIl9tPm7KvxqwvkIwIpcnLQ+qHnxeOQXIo+K7tASYjSD+lkFxw0h6HHB4hbR58guzax"
    "rA83t9an17eWNakMXmKRwzu+ZGOfD7zr00B8/xX8YnnIX9Al+/Ps+dfoORkOUSv+wL9dfn"
    "z59vLj0dnzJ/yBmM2eaGJ9iO+ciFtfRReQwqgTgXoGc0hcFZzj5toB/fT4pA3UvFkt2NFN"
    "DncGr0BIAd+k/WEATi5kCGdLS+8QPztpAfCzk1p4+a0iuHj2J7KppTiFi1Z7AR3P0wac9Z"
    "vJM+xsqzDfoi9UDnPSXouZ3ADo7eu/3/KeV0HwTy8P49H7y78LhFfb+M67mw9/TZrnYH/5"
    "7uaqBLZNEAfHgrQK+St2h72LkRz2omUJfCc2/T75xwiHYsK+oHPje9v4V9Y0NNfvX3+6vX"
    "z/c2F8Xl3evuZ3Tgpjk1w9Oiv9KtJOwK/Xt28B/xP84+bDawEvDuiCiCdm7W7/MeGfCYYU"
    "Wz7eWNDJLQjJ1QS1wqgz7wsTS+b4XPs1v7K8SWmwGWBjHN4F/xDfnTx9/uL5+bOz5+esif"
    "ig6ZUXDSN+/eGW/ZK4Tzm/k7o7Aq8qvm8wQe7C/wltBczX7CNB35a9iWMP/x22oXeZdDYy"
    "jL8msyi5ms1PAjepL16YXAwC9sURjV6ul59eXr56PRFIz6B9t4HEsWogn2H2KwmqmF/Fdm"
    "9++og8KL5DLdxXvA+NkC787OMAKo4D9wfpVdTPVlec5tDH4UNn0hvRyY94phNK/GeIT3Du"
    "51f4YVZvrU5W5SvQhwvxlfiz+ZMSLsNDhE5kJIe4MW1kOHgTBXaDNwfrcOa5wVLwCQD7CO"
    "A5wCEBYjUKwFFCPQQAgg+YoidyJuMBfRnWYhiRXj1rwW9Ugf7x080HOdBJ+7I/7NoU/Aew"
    "KTLil4sMZI5Ec1BSjj9K3izvoByULJnj7bm+Ep+Rt9EiEizO9NOnbaY6a1U718W9Is4e9B"
    "chW4xVcM7baIjz07M2lEY5dMsRGmdlkG0c+pRIGI16jHMmXUH8eGt2m3lcP4srczh98ary"
    "FwXDfuiLPkEfCVuRgNRIV4RrR+CuOMI5swOM724qdijv5NGNbxTv70NCFi3NKA95lOcI0p"
    "DIfsZXGHsI+vIhzpuVBnjG7LryONIr/Y7q1c3Nu8KAXl2XWfxf3l+9Zj6IGEnWyI2YsoiQ"
    "LHh3nDm09qB6q4aG8N1N+OZQM7RvO9q3OtFUyd8u+aiICpbwUSlHXM9HZVR0Kz7q0veZy2"
    "8L1giCFVrNEPlLEFNLckKJLhF4yVZNPhDgLQ4D1oLdBRSvXVvOVHXzFAmH9VvEx4mvHz+T"
    "TP54CLNVu1a1XZ/i6TdcXusAi9O0gccKfQfLCJXGV29mZF68Ci9es6deP8213lMXikapr1"
    "XP9ZTMNKTUDiUtzEHN3y6K8oWcifFmJYtW+qJWxLVkZrBtIQ1JnKMHxgjXETrp9ujIUG4t"
    "Dsn9dOXxgXQemyCsJbylX3ALiHNJBw9EOJ+/oCu+xRf8kCLclzBAE0mAK65Pm+Jbm7VoGd"
    "7esKjS9W3XEVkeC4LDNQ8mERcQlYJQ9r8ZDilwaTV+3b8bI7IYusiCutRTS15IDDR0lzvZ"
    "6Teb0J1uQicLk8VDc6Ulo2yoH9RPj1sliTSkiJTRXiHCXmcWexxWwbpkpl0+zuHTngyRVQ"
    "+9vkRWLJvYY9SLlmbUhzLqku35VM1dCTZ2ZVkwj9t/qDaeBxiveT8jnAOtMggyPfr+ICnS"
    "O8NUrvSbQpDNq5qoNp10zaGtlU3y3QHu7RIBGDouBfyLetHuKu/lIo5O02DVQbYbMKsp4L"
    "/EFRt/W2yn+gAxc8wC2Grce/DeDxwOm53ZB+7M3rGvpeLGJu01DH0PL752EGU/miq8DQkc"
    "qUX/KRyT/5uHvs0xBLPQ9ajrB9/zx/7/pNtFurfEjpkSAzHrOa1/EmwDilZdgd31rqiJ1u"
    "qhH6ff3iZaE+6KGk+dM9HwJXIYGqRh+9aOd0ceuPWVbLKMDOy22165STakLa80dV0SIOTT"
    "2uvjg2IS/e7w4BNlnwTQDb4QAsuATRLkgJ9vPt0KsSW7lNZCo1j87foz/KUaCTykI7lIM7"
    "f5KppWNJq/sRUB0lB8Ux99oVa8IcDG9Q+lKOHKXXwrgcL/npw8e/bi5PjZ2fnp8xcvTs+P"
    "04iheqspdLi6/iuPHgrL1O5wIhuwtq+DzKK3zYfJGvkOx3KkYQWkzE9cywieeqFUzqQ/kd"
    "Rxt3P9YOqz/OKi4rnm7UwO53Do5aqf6iHuEIQ+lYXjzYNcMjVZfoMeZ2zfsVBSLdIvGHW0"
    "MauVAtqDAbUQIbJcs/pKiUUrHXBu+uWYcomGYzkMxxIFRwrrWWqgIb/SVdnXZZxU2RbjpL"
    "1+iqmT09M28rTT03qBGr8neWPUBYf1qeBFq70Cl4G9Mg4duqRV6fcrX1GwNa7tkF1bk+HX"
    "qX/blDFlMk70yDh5hVfsg1/xeG8iY+Bzt6eNJLxoaM14y7ZlFsAsCjNBZAyOMJkClxfw9P"
    "DmO76vD/iTplwxI66xptiXVv18UFcPEOBEj1NZfDIL7fJSDugmjVmdM5klP5fuIT9vAfh5"
    "LdznZZ+URYwBlkznegYjs+gR4K6wNeTFYF6tmpEXCsLuTt/2BM6lUtzoRvMbnjdRreg9Q1"
    "wIuyEupcifcvVrYC+RE3rs/XuEVjNIFhg5T8TRYRAsWOzlAz5jfwA+jmt420BsNGQFvRuK"
    "fnf2OJOyOgQNUJNfMJ664NqLSjk9pZR0mRr0p3dwkgVvjGqHdFGz5rL9pmbXoWLcC8dldu"
    "n3pLhqKys18Fv1pZVGuadosmqNG34YN9xk1eo86pIFtZoHGrLRUi2plrcxO267y6kJvA6w"
    "NfBLgEb4umq9K5CfVkPaE8gOSpMwBYVT1OrZgujENutPPFNS5ccVj+Nt2O0FQF/W/KRx6F"
    "e09ElyACB4A9aINKv0D9PxbhrACPSNQN8I9I1A3wj0TehvBPpmnI1A3wj0B4Wz2eMezFCM"
    "lGZpQ66xHxSBlgicZGeb12/LVQyHsT/Hn6fN/hwbtzkWIjgiq4jWdABN2bTHY2gSN3K0p9"
    "AYtbJRKw/gzT9mtfKbeO2ZyIjJ5N60kZfMr15tNMoErTBF0flrILLmGqPK0WwyUbKSrbQi"
    "SOkMw+hkvpC45vC2Ry0RmI2D2kKeGWm4jHeVh2iSPXsAOWBoilrsiliX7XQIkftBPHofKD"
    "qDBSMzvVuDbViI+gHQl4UwB26bA7eHHWsN+8DtJKSqreBebDBtE3gpVXKP+g8AV2qE/jz+"
    "C98jItI2piKRgx+J7cBgOcPsC1fDsD37MFXZTcg1wIWlH3dp+Em2/UHcgRRG1Qft0/fsdc"
    "0wrqdxPY3raVzPOtcz+p41bmeshtzlcibNWp2LW6Dlc5Q9LHD58sNwFWzbcP0UEnbXkP2P"
    "7nnmBkLBJSpa6egYGV50/GAPL1VboscZufTdcM/10JsAwAQAJgAwAcCkEgC85dWEJb7/27"
    "jKcL3bz+sQt+SX01S/JYIeXSbH9sT+Ou/oB/HfANAlpOAOoTXryvWEW08QWENyJytIdMB+"
    "H8BDP24B5wFVH+qlMCH/BMgOKRt4i49lSGTK59plv87cZL6VdbTRj2O/xKiyrcmMGnRmlM"
    "nZeZScnajIfGjbKJAsYTtSD0u25hc2tF9YxYt+HAfvmksGr/nxvhIvL7vZ6OoJ2aHlsnbt"
    "C1O6vo1XwtGKde5TEDAXGDlghubs/2CDAPSDDSLg5PhkCtYE87nM72+FTkA8FGwwe5NImO"
    "BOnmDqTpi6Exem7oSpO/H43repO6GjT2DqTnyD42zqTpi6E4P45Zi6E2bXbfei1mbXbUg5"
    "9gMiwLuSDxhRdo9gz7AjeVXXv0OS9lpA3MfrYzDEmED4kldxn0i5sdz9aTM9JlpaoiB864"
    "oHK7SaIfKXID5TBQaCk3rJfHs+QuAtDgNOUYmugUvBkY94Mg1B8bkrF6J92ssHvuXpBuAO"
    "ran06LbOn2dSeYYlqFR8Xxz0TfEtvJTF8Q8CJ5W3csFKi3dG19zikrnRnusrwZy30RDk06"
    "dtTudgrWphFvdKItVwtYIyxrHe98mZmHMJ99j/9Rchc06UiKGcjYYTuwNZMA59KY9ej3HO"
    "pLcNoP5EWm0kWvUCrWrVINt1kE8tR1HhXjHUD+qnx638jgavozKZGRILTFy1Yp9FK1Pps3"
    "kh36PSJ4v04scojErByAzKwQclzgy7Q1ulYSmZmYE5+MDEtUFUXhY5k442afSLTwMEib20"
    "KHPelVz6oplx65Xdeh/LPKH6FSdp3/9S8zhEcieLSnqOdBX5HVL1vKFRzAxZSREfCKk6wj"
    "kzo5QZ8vhGSXEysWxTrfycVY9l8tMro62TT9C9izYqXlhm0aNXANdrgu9R8mlGxz+xSaiW"
    "HpgamNT/thgTZCP3fi8VUsnUyJCG8sZoI0OKJGRW/bkTDZxY1XQYoT5/rDahvs11ymoasZ"
    "yJDnrM4tL3rA37/qyefn9W4d8jPYZa6YuCjal6sbvqRQRYFWHlghfv045GBnDbYheFqSWv"
    "c1FeHw4A68u4m3EtDW0xza2IqpVDSm6o7Biy2O7NTx+RB8VXqIX5KvFMNZm8X7uVF1LEJY"
    "DRZ5WoC7Pb02ZxYdqwtbTwnXuHACbg0vcxczBQUhglLp2IZ38im0qPUlKwNHK/Ycn9jCbf"
    "1O5+JIgPn05sEh76m8nRoq6KdtFKR/GOOSLJMFUPYaoGkufyI2b4XtY6ovnbjY7on7yhpe"
    "iJCiMgqtmukE8vhDO5QbwWC0MYOeDo82e88T9/fjLlbmd8d4MIT0VhbglrQTEIWDQo81YP"
    "2Pvv/u+snejq8+cL7uwGgBmvEbsK/sP+aXu8x8+ffwAJZXwR1SEXFWamrEXcZdye9xr9wT"
    "t2kM3l6MnNjUuXDgvyks4Jmoeid3DEk2ziz8+Tb8R18SDeIaQhQReJAfSYQQC3Adgst0/Y"
    "V7hltly4AaKpIWocslUiQCJ1J+0gADP2C+fg8MbWEgbLz5/5N7hHJGBDx/DqwsNv0ILq6X"
    "oeiu0zKT6P5RltfMXN6NjCnNfefh86WexUHdCynfH4W8/rFDpxYR/ME0MN5IGl9Ijj5+dt"
    "MiRYs/okCXGzpEZ2qacEdWqg4bzuJH3NZFP1QMyoqon7lxE/ktauCyExCy+JKFjJXPAq6A"
    "2ZJSW7YQgbtMphgMGdWrJP3N4MxcGHwqlND2+m05z6FHGjCx6ULhjOcKgkoUwN9FMQdRUS"
    "ROSVypKWWZhF7eCL2vAODHtEdqcDvbBgT1XwzZnot6gcXpYYM8lVhGtlHjmL/iSJT7uC98"
    "DVoFOeXolByBtpEYAVZ+15m/IK5/XlFc4r5RXYJwj5RpLKazBvM4wXoVYK8ih5z3JCZf++"
    "aNmLh28SO/dz8MeUvGuiuD0H2WTv6j2+kUBiH11T3tCM8aDH2IjXjHitPslEUEIwFYjtn2"
    "kiRGnXaW8jnA61OScFlidVZB0Ark9JZzqh1bkwMjfJ6sSRxXm4SyBZ+g3sFkn+usRgA4NE"
    "kcjacakiF/wlusZgGh1rjDdgjUjcEP0gGsJUjsjbTKMsnY0Pso9RFU728kSJePC3SZbwFH"
    "eZiHeiP63kGD2TRPRISUSlYWkt4CyaaUg2dbvvgpSVWGU7I8RqKcSKgFNWG5bMzAxXnOGK"
    "WYkFIw23tDrC2keUH2cr8SabRMs5K1NBS0G5PLxNWslqHTt5/SzaXWSC2mhNlXOac0b6bd"
    "ea1ETD7hyuiFZMsO8x6kVLM+pDGXUJlVuhnqJIfI9aEamRhi7wYXQwDYWkMv6jCLlyxaNS"
    "1u7IUG9b+agw31RrH3VOHWaEax1zWKBkdxGHRTK4TXK1SDHmZ/FdCn+nVKsnT+bxQ/r4iX"
    "8pcwd9BwSIiH9S4NJAUHi/fHwnS7Pu7DmmhNCw2L9ooFWpkaKVhq+Fzk5oiIBTpf5KZob5"
    "a8n8PVIoObAlpJeZXS+krE8VbBBSjnMR6TtdcCSa68G/H0dG8N1Dzx0tvWcqt+tHP7Qhnd"
    "ICSHsMfNnWSAaHwzNVR9oQTYZoeuwf0niJpnfYht4lL2w6kZBMubvTJoLJ4+0sUR+1Lbnk"
    "A9Ec0KUbAJ91yYmb4EIUksNkAX03EFqvqbjixvMoMpoCj00RZovXrg0WBIdrWbHpTh5hKK"
    "VhUUphgIgqwZG30S7kPmsTcJ/Vh9tnphJ1nwGK6tztn5XrDdyT09M2tNzpaT0rx++VQuxw"
    "tYJEcnRTwwm1mYkG3GffLNGauPc8L/YOba01WqkALzHVYpr3PgQ8a9XeawQqlmYA9voN4L"
    "nrocRhqQxAfbZ/1XIYOf9aFb9x2fOtkCjVZ8nbGMWfUfwZ8vUA+Zzx2UDuQ/MTL3OnbI5s"
    "GrTK44QeIg89XO2S96ErQOb0uR0AzbHn4Q0iD8ToTdyN7jBZ6J4Lzg4D1ut7NMrdbgXE4r"
    "O9H4pV3I0uOHVJ3L9HjgsnEs4+ujFtoutXaZM2PH249jB0kAPcFfso4CigmLC/QgY2Ecw5"
    "52aB4xLEifPtkymYIycaPy7VhD6AlEJ7ybU3Upb+4A8w58oMYfdw2sDaC4dGdc82Z9NRBD"
    "Z+yHMSOQLnqhDnbQzEOyHmTI0qf5+30YJb64HDZ0+kbG2PgFLAumynId6H3+2DHgNM8RSO"
    "vI0WIPdNGG9ch0pq79aqA9L2e8lqh0ZFHlhVu0TuYimZv7VoZgYGTolI2f2XZNWtBTNp3p"
    "/g+3gkQBoyvB7qb5YM75YjWM2QVNgX35k2swS8Tetk0ah5QVgngveXHoJ87MFbHAYIRHyR"
    "TK63Tw9GjTcsNZ7QTqrmdxaMtCNTutpaXULf8ZTCocxCA1lTDwc+Dl+aN/KE2VGkv62R78"
    "T7EmPUlzJHZS+XM29nHM6hO5zVNPT9Br1oahLfhpb4tp/K5gDqketovLQTkXQZfn1EK0xR"
    "bXJV/va0KRAjoqFaehWwob1EDohs40SopAKCqJrDa+Xcoa0sEFOyNSHYsEIwxeDLhF1qYR"
    "eXxqttqmYWps5wW5RNBsMjb0i5/gx/UZnlqYEWcPdUn4uhyZxtZazLdiYfoS3iw8gWHhK1"
    "04Vew8Er9jgVjDMLg3AbhA012TE1Ofyc98nPiARRyD5G7Zw5CnlwaZFzRHncvwdvWLTUkC"
    "4eO2+YH+YF9iXvjsYDXBITc3rLjtNbBiL8iKjFm9mfSJCENdRjfH/agnvEomn72k5R+6xM"
    "95zgFWB9o80SEXQBIkqaV/iOWE2wSXQdU2a09lwUAIp5+W95YadD929ITENiDgPYXsLgoc"
    "h0vgUqUzVpQeNkhcNHEa5v8eV8y1ZuNbKyYKZdqlNnZdfZeq0UsMXt+w/WHicW6CQsMyWs"
    "v00dz4DOTRvYXsFIBrlVNB5VApbEEI0Bec7KxOQKJ6reu5L3V72fEDc3+2ttHQTOIJBUSt"
    "YW5qKV0fY2aXsHwjB9QpRGX71CLiW3pk28UhA1askofeDFuxMTgBxX9ANmWwCdlesH4Ciu"
    "mwg86C9C9pGDKVgyzwCRqKjIFEBO/nzHXU7AP87v4cnxydmTKrnU7aMewDPdIUkR20bVkZ"
    "aUyKES3uu5p3vohZKIvT7KSQ1MmKMY5gxkMfslkGdJiuuNyxjXhrQ/TpPCOSekbRz64pBL"
    "nty4QTPAIEdkDm0EjqKiR/8j1hrJ6rRvJ4bfHhi/PQgdkobLek5CCoNgg9nSsISBpLRGPc"
    "4VQw2Z2E7yJQlWy0dN2vfo8HN/Lkq3GIu/X9CLooAfp2ihNbZVqsVU7ExtjjIxMIfMpXcs"
    "Dy+Yj68AbcXOQFuG1sP2HYOIuSuupOJ6M5NZtjVc5pC5TFPgpv5Hpdc+xV55qKK65APzUF"
    "/xPkb7K28upcyiOCt+VT8QpV/R7FPU0Qh/Ko+Sq5tDTEIEFPGspwPKI9iKFXAXPnK+c30Q"
    "W0qD+u/BLbtkY3znsv9BQriCDQICfQevgOv8ADBbXERiLg9bgBuAqIyylEPo4ZGGcRgW48"
    "ATIlUj4byNYRx2Mg7G/fkmvFwPBtQKg70GumxrhnrQQ80pV4s5DLI0pWaiNrPSL+Wui4RG"
    "Nihs3CRub4MeOTPRDuPDv5zEpFTyrHIW/ZFaA/ewKnFvEeAqum+YQ8y87Z/QVoB8HR8yXh"
    "+6JXuOIwO3LmhjlwncpE5+flKx7x7J2MTP/PLTy8tXrydfH2cH+BIR115OJKFffGfaFPbB"
    "rM2ugK8eUBMwDStgukckCfhbywUzEw33DLt577Mflco7P2quIbpPj49bCTKPG/SYxzUHp1"
    "QRrhcz5UyMnGlMcqav/wXwuzR6"
)
