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
        DROP TABLE IF EXISTS "joint_signatures";
        DROP TABLE IF EXISTS "joint_invitations";"""


MODELS_STATE = (
    "eJztXWtz2ziW/SsofWmnSu31Iw+Ps7VVduJM3O3EXbF7e2q6u2iIhCS2KUIDgla0M/nvC4"
    "AP8QHShERSJIMv3bGIC0oHIHjvwbkX/x4tsIUc7/DCpPaTTdejc/DvkQsXiP0jd20MRnC5"
    "3FzhH1A4cURjGLSykfgYTjxK2EfsyhQ6HmIfWcgzib2kNnZ5+wsXhCZrsELAQy4dg0e0pO"
    "AJkQmk9gJ4GNgU2B67SJ6QBaBrAXZfmzVgf03WFIEpJuIfh/ymFjbZXW131lD/vmv/y0cG"
    "xTNE54iwu/z+J/vYdi30lf3s8M/lozG1kWOloLQt3oH43KDrpfjs3RySD6Il/+4Tw8SOv3"
    "A3rZdrOsdu3Jz9NP7pDLmIQIqsBLSu7zjhOEQfBd+VfUCJj+IvaW0+sNAU+g4fIG4dfIPN"
    "ZyPD+Hx7b9xd3RvGKDd4kUUC7/AjE7t84G2XeuL3L+BXw0HujM7Zn69ffgvus8EhaMVv+L"
    "8XX959vPhy8PrlC35DzGZPMLE+h1dOxKVvogtIYdCJQH0Ds09sFZzD5oMD+vjopArUvFkh"
    "2MFFDvcGXoGQAr5R+3oAjj7YILxZWlqH+PSkAsCnJ4Xw8ktpcPHkL2RSQ3EKp622Ajqcpy"
    "U4D28mT7C1zsN8j75SOcxR+0HM5BJA76/+cc97Xnjev5wkjAefLv4hEF6swys3t5//HjVP"
    "wP7u5vYyA7ZJEAfHgDQP+Xt2hb2LkRz2tGUGfCs0PYz+0cOhGLEfaN26zjp8ysqG5vrT1d"
    "39xadfUuPz/uL+il85SY1N9OnB68xTEXcCfru+/wj4n+Cft5+vBLzYozMi7rhpd//PEf9O"
    "0KfYcPHKgFZiQYg+jVBLjTrzvjAxZI7PtVvwlCVNMoPNAOvj8M74l/jx5Pjlm5dnp69fnr"
    "Em4ovGn7wpGfHrz/fsSeI+5fRR6u4IvPL4fsAE2TP3Z7QWMF+zrwRdU/YmDj38G2xC5yLq"
    "rGcYf4tmUfTpZn4SuIp98dTkYhCwH45o8HK9uHt38f5qJJCeQPNxBYllFEA+wewp8fKYX4"
    "Z2H37+ghwofkMh3Je8jwEhnXrswwAqjAO3B+l90M96qDhNoYv9XWfSB9HJT3gyJJT4Y4hP"
    "cOLxSz2Y+UuLk0X2E+jCmfhJ/N78ThGX4SBCRzKSQ1wYlzIcvIkCu8Gbg6U/cWxvLvgEgF"
    "0E8BRgnwCxGnngIKIePADBZ0zRCzmTsUNfmrXoRqRXzFrwC3mgf7q7/SwHOmqf9Ydtk4L/"
    "ADZFevxykYHMkSgPSrLxR8ab5R1kg5I5c7wd21XiM5I2g4gE0zP91XGVqc5aFc51cS2Nsw"
    "Pdmc8WYxWckzYDxPn4dRVKIxu6JQiN11mQTey7lEgYjWKMEyZNQby/NbvKPC6exbk5HL94"
    "VfmLlGE79EWboPeErYhAKqUr/KUlcFcc4YRZDeP7PBXblXdy78Y3iPe3ISHTlnqUuzzKUw"
    "SpT2SP8SXGDoKufIiTZpkBnjC7pjyO+JN2R/Xy9vYmNaCX11kW/9dPl1fMBxEjyRrZAVMW"
    "EJIp744zh8YWVG/eUBO+zxO+CdQ07VuN9s1PNFXyt0k+KqCCJXxUzBEX81EbKroSH3Xhus"
    "zlNwVrBMECLSaI/OCF1JKcUKJzBN6xVZMPBPiIfY+1YFcBxUvblDNVzdxFwmH9HvBx4ueH"
    "9ySjP3dhtgrXqqrrUzj9ustr1bA4jUt4LN+1sIxQKX31boz0i1fhxav31Iun+aD31IWiUe"
    "prFXM9GbMBUmp1SQsTUPO3i6J8IWGivVnJohW/qBVxzZhpbCtIQyLnaMcY4TpAJ94e7RnK"
    "lcUhiUdXHh9I57EOwirCm3mCK0CcSDrYEeFk/sJQ8U2/4LsU4b6DHhpJAlzx+bgsvjVZi4"
    "rh7S2LKm3XtC2R5TEj2F/yYBJxAVEmCGX/m2CfApvm49ftu9Eii66LLKhNHbXkhchggO5y"
    "Izv9ehO60U3oaGEyeGiutGRkDYcH9fFRpSSRkhSRLNoLRNjrzGC3wypYZ8wGl49Tf9qTJr"
    "KKoR8ukRXKJrYY9bSlHvWujLpkez5Wc+eCjeeyLJjH7e6qjecBxhXvp4dzoFIGwUaPvj1I"
    "ivRON5Ur7aYQbOZVQVQbT7ry0NbYTPLnA9z7OQLQt2wK+A91gt1V3st5GJ3GwaqFTNtjVm"
    "PAn8QFG39TbKe6ADFzzALYfNxbe+81h8N6Z3bHndlH9rNU3Nio/QBD3/rF1xai7KHJw1uS"
    "wBFbtJ/CMfrvqe+aHEMw8W2H2q53yG/7P6NmF+nWEjsmSgzEpOW0/pG39ihaNAV207uiOl"
    "orhr6ffnuVaE24K2o8dcJkgC+RemiQku1bM9wd2XHrK9pk6RnYVbe9EpOsS1teceq6JEBI"
    "prUXxwfpJPrnw4M7yr4JoCt8LgSWHpskyAK/3N7dC7El+yiuhUax+Nt2J/hrPhLYpSO5SD"
    "Ox+Sqa5jSav7MVAVJf/FIXfaVGuCHAxvVPpSjh0p59L4HC305OTk/fnBydvj579fLNm1dn"
    "R3HEkL9UFjpcXv+dRw+pZer5cGIzYFVfBxuL1jYfRkvkWhzLnoYVkDI/cSkjeIqFUgmT9k"
    "RSR83O9drUZ8nFRcVzTdrpHM7u0Mt5P9VB3CHwXSoLx8sHOWOqs/w6Pc7YfGShpFqknzJq"
    "aGN2UApoB3rUQITIcs2KKyWmrYaAc9mTo8slao6lHo4lCI4U1rPYYID8SlNlX+dhUmVVjK"
    "P2w1NMnbx6VUWe9upVsUCNX5O8MYqCw+JU8LTVVoFLx14ZdYcucVX67cpXpGy1a9tl11Zn"
    "+DXq35ZlTOmMk2FknLzHC/bFL3m8N5Ix8InL41ISXjQ0Jrxl1TILYBKEmSAwBgeYjIHNC3"
    "g6ePUj39cH/E5jrpgRn7Gm2JVW/dypqx0EOMHtVBafjcXg8lJqdJP6rM4ZTaLHpXnIzyoA"
    "flYI91nWJ2URo4cl07mYwdhYtAhwU9hq8qIzr9aBkRcKwu5G3/YETqVS3OBC+RueN1Gt6D"
    "1BXAi7IjalyB1z9atnzpHlO+z9e4AWE0hmGFkvxNFhEMxY7OUCPmPfAheHNbxNIDYaNgW9"
    "S4p+N3Y7nbLaBQ1QmV/Qn7rggxeVcnpKKekyNmhP72BFC14f1Q7xomZMZftN5a5DzrgVjk"
    "vv0m9JcRVWVirht4pLK/VyT1Fn1Wo3vB43XGfVDnnUJQtqPg/UZ6OlWlItaaN33J4vpybw"
    "qmFr4FcP9fB1VXlXIDmturQnsDkoTcIUpE5RK2YLghPbjL/wREmVH1Y8Drdh1+cAfV3yk8"
    "ahm9PSR8kBgOAVWCJSrtKvp+PnaQAt0NcCfS3Q1wJ9LdDXob8W6Otx1gJ9LdDvFM56j7sz"
    "Q9FTmqUKucYeKAINETjJzjYv3pbLGXZjf47fbzD7c2zcpliI4IisIlrZATRZ0xaPoYncyN"
    "6eQqPVylqt3IE3f5/Vyh/CtWckIyaja+NSXjK5elXRKBO0wBQF56+BwJprjHJHs8lEyUq2"
    "0oogmTMMg5P5fGLrw9v2WiJwMw5qC/nGaIDLeFN5iDrZswWQPYamqMWuiHXWbgghcjuIB+"
    "8DRWcwZaSnd2WwNQtRPADDZSH0gdv6wO1ux1rdPnA7CqkKK7inG4yrBF5KldyD/j3AlRq+"
    "Ow3/wk+IiLSNsUjk4EdiW9CbTzD7wfkwbMs+dFV2HXJ1cGFpx13qfpJtexA3IIVR9UHb9D"
    "1bXTO066ldT+16atezyPUMfmeB2xmqIZ9zOaNmlc7FTdHyCcoeprh8+WG4CrZVuH4KCbuq"
    "yf69e56JgVBwidJWQ3SMNC/af7C7l6ot0eP0XPquuedi6HUAoAMAHQDoAGCUCwA+8mrCEt"
    "//Y1hluNjt53WIK/LLcarfHEGHzqNje0J/nXf0VvzXA3QOKXhEaMm6sh3h1hMElpA8ygoS"
    "1djvDjz0fgs4d6j6UCuFCfk3QKZP2cAbfCx9IlM+Fy77ReY68y2row0eju0So7K2OjOq05"
    "lROmdnLzk7QZF53zSRJ1nCnkk9zNjqJ6xrT1jOi96Pg3fNJYPX/HhfiZe3uVjq6gnZoWGz"
    "dtULU9quiRfC0Qp17mPgMRcYWWCCpuz/YIUAdL0VIuDk6GQMlgTzucyvr4VOQNwUrDB7k0"
    "iY4EbuoOtO6LoT57ruhK47sX/vW9edGKJPoOtOfIfjrOtO6LoTnXhydN0Jvev2/KJWZdet"
    "Szn2HSLAm5IPaFF2i2BPsCV5VRe/Q6L2g4C4jddHZ4gxgfAFr+I+knJjievjcnpMtDREQf"
    "jKFQ8WaDFB5AcvPFMFeoKTesd8ez5C4CP2PU5Ria6BTcGBi3gyDUHhuSvnon3cy2e+5Wl7"
    "4BEtqfTotsbvp1N5uiWoVHxf1Pqm+B5eyuL4B4GTyls5ZTWId0bT3OKcudGO7SrBnLQZIM"
    "ivjquczsFaFcIsrmVEqv5iAWWMY7HvkzDR5xJusf/rznzmnCgRQwmbAU7sBmTB2HelPHox"
    "xgmT1jaA2hNpVZFoFQu08lWDTNtCLjUsRYV7znB4UB8fVfI7SryO3GRmSMwwsdWKfaatdK"
    "XP8oV8i0qfLNILb6MwKikjPSi1D0qYGfaI1krDkjHTA1P7wIS1QVReFgmThjZphhefeggS"
    "c25Q5rwrufRpM+3WK7v1LpZ5QsUrTtS+/aVmP0RyI4tKfI50HvlnpOpJQ62Y6bKSIjwQUn"
    "WEE2ZaKdPl8Q2S4mRi2bJa+QmrFsvkx5/0tk4+QU82Wql4YRuLFr0CuFwS/ISib9M7/olN"
    "QrX0wNhAp/5XxZggE9lPW6mQMqZahtSVN0YVGVIgITOKz50o4cTypt0I9fltBxPqm1ynrK"
    "YRS5gMQY+ZXvpOq7Dvp8X0+2mOfw/0GGqlL1I2uurF81UvAsDyCCsXvPgUd9QzgKsWu0hN"
    "LXmdi+z6UAOs78Ju+rU0VMU0sSKqVg7JuKGyY8hCuw8/f0EOFD+hEObLyDMdyOT91qy8cI"
    "Y8eoNnV2IvWSowTLUYl0sMeVvDwRWLLIr02An2+dHr0bnrBE19nv168PLoeAxeHp3y/xwd"
    "Hh6+AJjXUzTRkg2pKODNnj6RSHtwcnQiExPW2fsf7h/u/RwBnosBpmglKrNwVSE4eHhwGR"
    "SHPKuXgXy4AeHh4UVQUPzhAUL+ZfgFIC6I/j4L6SLXK0bf7wcPsPGnyKXn4jB6oYE02b/4"
    "oIAlwkuHNaaA2N7jWHxLXk9SoMzds6VP2C3+cF1M51wtOSV4AeaIoEPAXWuw4vVlxH62ze"
    "aHJ/STtjUG/AkaBxUpx6IUzYuwb2+O2RdgTqiH3SbUkzq/mF9rI7+423WmNRk53o6MLEob"
    "v1tAxyl8tApTx3vtV5+evHkdP1P8j7Kn6O7Txc2NjG7kS50a3RhZDFDoVn8GZJdysva639"
    "vO9rqq8Lt9yXdLADcyk3uT7tbzWbzf2oUdArjG2oXJDU0KZdUdivHdWAwO4dOjKnJY1qqY"
    "/Tw6kp5Ava/8QYrC8HAkje43l8floX3csHLu4I39iHhYfcECUt81UVT5NDwbAU/+QiaVnp"
    "WsYKnz+bqVz9clB+87yO/Th3M1WS+sRy5e72dysKirop22GmJ2jj4DWUtRdpGidMQR/Qkz"
    "fC8KHdHk5VJH9C/e0FD0RIUREMfVLMTmCncmV4gXW2UI802ehwe8csWGDXM7w6srRHitCe"
    "aWsBYUA8+euTJvtcbe+bbQw4Po6uHhnDu7HmDGS8Q+Bf9h/zQd3uPDw1sQacLOg4PGRAnZ"
    "MWsRdhm2570Gf/COLWTyfPPo4sqmc4vAVdR5uDvG/jrgu1Lh9yfxrhm/Ee8QUp+g88gAOs"
    "zAg2sPrOZrvlPG98l4ZgYIpobYKmOrhIfEXlfcgQcm7Ann4PDGxhx684cH/gueEPHY0DG8"
    "mvDwS5I9h+l61iXn0TU89uUZrSQ7EqVq89CiRaV5hHpvhebRYqfqgGbttMdfeV7H0IkPts"
    "E8MhwcDXly9PKsCtPLmhVTveJiZj/Ipo7ahlBkMMB53Uh9Gl0upQViRjVduP084T3pV5rI"
    "FGbhJREnUjAXPA96SemIjF03MhcGVaQAeo9q1TzC9nooah8Kq7D+WzmdZhXXgNOJv53S2s"
    "EJ9pVkCLHB8FKEmgoJAvJKZUnbWOhFrfZFrXsngu+R3WkgIViwpyr4JkyGt6jUn3cYMsl5"
    "hAtlHgmL9rTRx03BW/NxTzFPr8QgJI0GEYClZ+1ZFcHYWbFe7CxXP5F9A59vJKm8BpM23X"
    "gRDipFPKjOY1i+sn+ftmzFw9eVm7Zz8PtUnUtHcVsOsi7PNezxDQQS2+iakoZ6jDs9xlq8"
    "psVrxVUkBCUEY4FYRjehUEpCiNKu4956OB0Ki0qkWJ5YkVUDXHdRZ0NCq3FhZGKSFYkj0/"
    "PwOYFk5hl4XiT52xyDFfQiReK5KFwhBH+RrtEbC+kiwSuwRCRsiN6KhjCWI/I24yBLZ+WC"
    "zdfICydbuaNEPPj7aJPwFHYZiXeCP3kOyp86iWiPSUSZYaks4EybDZBsanbfBSkrsbJ2Wo"
    "hVUYgVAKesNsyY6RmuOMMVsxJTRgPc0moIaxfRFSaPEm+yTLScsNIlshWUy93bpJWs1qGT"
    "186i3UQmKK8Mp5zTnDAa3natTk3U7E59VbJDgn2LUU9b6lHvyqhLqNwc9RRE4lvUioiNBu"
    "gC16ODyVGnWdTzkCuXNM5k7fYM9SK6b5wpbZyab6rFjRunDjeEaxFzmKJknyMO02RwleRq"
    "kWJMfvDAhfB3MrV6kmSeqJcLvQ1zx6vMeoiIf1JgU09QeL9+uZGlWTd2H11CqFvsXzDQqt"
    "RI2mqAr4XGjmAMgFOl/jJmmvmryPztKZTs2BLSyswuFlIWpwqWCCn7uYi0nS7YE81159+P"
    "PSP4nqBj95be00ezDY9+qEI6xQWQthj4rK2WDHaHZ8qPtCaaNNG07wepv0TTDTahc8ELm4"
    "4kJFPi6riMYHJ4O0PUR61KLrnBqUSAzm0P8GOWOHHjnYtCcpjMoGt7Qus1Fp/Y4TyKjjJy"
    "2BRhtnhpm2BGsL+UFZtu5BaaUuoWpeR7iKgSHEmbwYXc9Z+HoStRNxigqM7d9lm51sBt5A"
    "wMz18sIJGczVxMFCVMBsB9ts0SLYn9xPNiH9HaWKKFCvAS00FM89aHgGetmluNQM5SD8AW"
    "A4AsthId/83Y4Vko6WIIgrO9jUg8wVVeunLrIYxD077jkuCp7aDIdc9hXlz3Im/ZjeoXgy"
    "oDZbP7Gz5RqlSUtBneI6C1r3obYg+ZzeEpWfaumboX4WlbPZwGlTKaxcHpu2LE+xgqQBPM"
    "ZvCOAF1i3Nw7dd8ATbHj4BUiO2L0Iexm6DAZ6IlLL+sB6+oJ9VL3oYAY76YGrMJuhoJTk1"
    "tYn5Blw5Fk9yq4MC7buFrETarsWPlLB0MLWcBesK8CDjyKCfvLZ2ATsYfEdymAZRPEt5DW"
    "L8Zgiqxg/LhoGboAUgrNOVehSferar+BPmGpC/vo45L9K+HQqKoXEjYNRWD9hzwhFiVwqg"
    "px0kZD/CzEnKlR3clK2gyCZW5hN4vdkbK1PQBKAeus3QDxrp+7hA4DTPE8mqTNIEBum6hf"
    "2RaVVKEu1MnE7bcSmHeNiqxZXz5H9mwumb+FaG4MNJwSub79f5JVtxDMqHl7qQ9HPQFSk+"
    "HFUH+3ZHizHMFigqQS1/DKuJwl4G0qp00HzVMSUxG8v3MQ5GMPPmLfQyDgi2TC1W160LrU"
    "bulShYpYNdM5ZTQ4MqWprdU5dC1HKRzaWAxA4NfC0afdF6n2PHW8F4mgS+Ra4b5EH5XWzF"
    "HZyuVM2mmHs+sOZ74gw3aDnjbVKaBdSwHdTmVTg3rkOhivwYlImgy/vqAFpqgwzTB5eVwW"
    "iBHRUC3REJjQnCMLBLZhSmBUC0TUj+JVox7RWhaIKdnqEKxbIZhi8KXDLrWwi2ckqG2qbi"
    "x0xe2qKOtcnj1vSNnuBH9VmeWxwSDgbqlSHUOTOdvKWGftdD5CVcS7kTffJWqnCb2GhRfs"
    "dioYbyw0wlUQ1tRkw9Rk96s/jH5BxAtC9j5q5/Sh4J1Li5wiyuP+LXjDtOUA6eK+84bJYZ"
    "5hV/LuKD3KKDLR5xg9c45RR4QfAbV4O/kLCZKwgHoMr48rcI9YNK1e5SxovylYPyV4AVjf"
    "aDVHBJ2DgJLmte4DVhOsIl3HmBktHRt5gGJeCF9e4qzu/jWJqUnMbgDbShjcFZnO90Blqi"
    "YtDDhZof4ownYNvpyv2cqtRlamzAaX6tTYAQRsvVYK2ML27Qdr+4kFGgnLdDH371PH06ET"
    "BDu2V9CTQa4UjQc1sSUxRGlAnrDSMbnC2cJPtuT9VewnhM31/lpVB4EzCCSWklWFOW2ltb"
    "1l2t6OMEx3iNLgp+fIpejSuIxX8oJGFRmlz7yMfWQCkGWLfsBkDaC1sF0PHIR1E4ED3ZnP"
    "vrI3BnPmGSASFBUZA8jJnx+5ywn41/nDPzk6ef0iTy41e6sdeCbF4p27VOvsMiVSV8J7Mf"
    "f0BB1fErEXRzmxgQ5zFMOcjixmv3ryLEnxeekyxrUh1Q+WpXDKCWkT+6447pUnN67QBDDI"
    "EZlCE4GDoOjRf4m1RrI6bduJ5rc7xm93Qoc0wGU9ISGFnrfCbGmYQ09SWqMY55zhAJnYRv"
    "IlCVbLR43at+jwc38uSLfoi7+f0osijx8saqAlNlWqxeTsdG2OLDEwhcyltwwHz5iPrwBt"
    "zk5Dm4XWweYjg4i5K7ak4no5k5m11Vxml7lMXeCm+KEa1j7FVnmoorrkjnmo73kfvX3Ky0"
    "spsyjOCF/VO6L0G5rcBR318FHZS65uAjEJEZDGs5gOyI5gJVbAnrnI+tF2QWgpDeoPwT37"
    "yMT40Wb/g4RwBRsEBLoWXgDbegswW1xEYi4PW4DtgaCMspRDaOGWmnHoFuPAEyJVI+GkjW"
    "YcnmUctPvzXXi5DvSo4XtbDXTWVg91p4eaU64GcxhkaUrlRO3Gangpd00kNLJBYeMmcXtL"
    "9Mgbk8FhXP/LSUxKJc8qYdEeqdVxDysX96YBzqP7gTnEzNv+Ga0FyNfsG0HXlNHemT3Hno"
    "FbFLSxjwlcxU5+clKx3x7I2MRjfnH37uL91ejbfnaALxCxzflIEvqFV8ZlYR/ctHku4CsG"
    "VAdM3QqYnhCJAv7KcsGNyQD3DJt577OHSuWdHzQfILrHR0eVBJlHJXrMo4KDU/IIF4uZEi"
    "ZaztQnOdO3/wek6TfC"
)
