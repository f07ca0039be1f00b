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
    "6eQrPABBkh2WCrPRUSU/1c1P5caDm5lpN3wDXrs5z8Q/hyGMmY4+jauJQ4Tr5eqojICVpg"
    "ioID8kBgzUVgubPzZKpxJVtpyZbMIZPB0Yk+sfXpenut4bgZB7WFfGM0wGW8qURRnY3bAs"
    "geQ1MUy1fEOms3BA6jHcSD94GiM5gy0tO7MtiaJioegOHSRPpEdH0ierdjrW6fiB6FVIUl"
    "9tMNxlUCL6VS+0H/HuBSGt+dhn/hJ0REXs1YZNrwM8st6M0nmP3gfBi2ZR+6bL4OuTq4sL"
    "TjLnU/C7o9iBvQKqn6oG36nq2uGdr11K6ndj2161nkega/s8DtDOWqz7mcUbNKBxenaPkE"
    "ZQ9TXL78tGIF2ypcP4WEXdVk/949z8RAKLhEaashOkaaF+0/2N3LpZcIQ3qem6C552LodQ"
    "CgAwAdAOgAYJQLAD7ycs8S3/9jWAa62O3nhaIr8stxLuYcQYfOo3OVQn+dd/RW/NcDdA4p"
    "eERoybqyHeHWEwSWkDzKKkbV2O8OPPR+K2x3qDxUK5Uj+TdApk/ZwBt8LH0iE+EWLvtF5j"
    "o1MSt0Dh6O7TLXsrY6da3TqWs6qWovSVXBKQC+aSJPsoQ9kxuasdVPWNeesJwXvR8H75pL"
    "Bq/5+csSL29zsdTVE7JDw2btqlcOtV0TL4SjFercx8BjLjCywARN2f/BCgHoeitEwMnRyR"
    "gsCeZzmV9fC52AuClYYfYmkTDBjdxBFwbRhUHOdWEQXRhk/963LgwyRJ9AFwb5DsdZFwbR"
    "hUE68eTowiB61+35Ra3KrluXcuw7RIA3JR/QouwWwZ5gS/KqLn6HRO0HAXEbr4/OEGMC4Q"
    "teZn8k5cYS18fl9JhoaYiK/ZUrHizQYoLID1546A30BCf1jvn2fITAR+x7nKISXQObggMX"
    "8WQagsKDcc5F+7iXz3zL0/bAI1pS6dl6jd9Pp/J0S1Cp+L6o9U3xPbyUxfkcAieVt3LKah"
    "DvjKa5xTlzox3bVYI5aTNAkF8dVzk+hbUqhFlcy4hU/cUCyhjHYt8nYaIPjtxi/9ed+cw5"
    "USKGEjYDnNgNyIKx70p59GKMEyatbQC1J9KqItEqFmjlqwaZtoVcaliKCvec4fCgPj6q5H"
    "eUeB25ycyQmGGiWHcybaVLTpYv5NuVnAxvozAqKSM9KLUPSpgZ9ojWSsOSMdMDU/vAhLVB"
    "VF4WCZOGNmmGF596CBJzblDmvCu59Gkz7dYru/UulnlCxStO1L79pWY/RHIji0p80Hce+W"
    "ek6klDrZjpspIiPLFTdYQTZlop0+XxDZLiZGLZssMMElYtnmMQf9LbgwwIerLRSsUL21i0"
    "6BXA5ZLgJxR9m97xT2wSqqUHxgY69b8qxgSZyH7aSoWUMdUypK68MarIkAIJWXSkioTjLe"
    "HE8qbdCPX5bQcT6ptcp6ymEUuYDEGPmV76Tquw76fF9Ptpjn8P9BhqpS9SNrrqxfNVLwLA"
    "8ggrF7z4FHfUM4CrFrtITS15nYvs+lADrO/Cbvq1NFTFNLEiqlYOybihsnPiQrsPP39BDh"
    "Q/oRDmy8gzHcjk/dasvHCGPHqDZ1diL1kqMEy1GJdLDHlbw8EViyyK9NgJ9l0rzo4FBE19"
    "nv168PLoeAxeHp3y/xwdHh6+AJjXUzTRkg2pKODNnj6RSHtwcnQiExPW2fsf7h/u/RwBno"
    "sBpmglKrNwVSE4eHhwGRSHPKuXgXy4AeHh4UVQUPzhAUL+ZfgFIC6I/j4L6SLXK0bf7wcP"
    "sPGnyKXn7DuEGkiT/YsPClgivHRYYwqI7T2Oxbfk9SQFytw9W/qE3eIP18V0ztWSU4IXYI"
    "4IOgTctQYrXl9G7GfbbH54Qj9pW2PAn6BxUJFyLErRvAj79uaYfQHmhHrYbUI9qfOL+bU2"
    "8ou7XWdak5Hj7cjIorTxuwV0nMJHqzB1vNd+9enJm9fxM8X/KHuK7j5d3NzI6Ea+1KnRjZ"
    "HFAIVu9WdAdikna6/7ve1sr6sKv9uXfLcEcCMzuTfpbj2fxfutXdghgGusXZjc0KRQVt2h"
    "GN+NxeAQPj2qIodlrYrZz6Mj6QnU+8ofpCgMD0fS6H5zeVwe2scNK+cO3tiPiIfVFywg9V"
    "0TRZVPw7MR8OQvZFLpWckKljqfr1v5fF1y8L6D/D59OFeT9cJ65OL1fiYHi7oq2mmrIWbn"
    "6DOQtRRlFylKRxzRnzDD96LQEU1eLnVE/+INDUVPVBgBcVzNQmyucGdyhXixVYYw3+R5eM"
    "ArV2zYMLczvLpChNeaYG4Ja0Ex8OyZK/NWa+ydbws9PIiuHh7OubPrAWa8ROxT8B/2T9Ph"
    "PT48vAWRJuw8OGhMlJAdsxZhl2F73mvwB+/YQibPN48urmw6twhcRZ2Hu2PsrwO+KxV+fx"
    "LvmvEb8Q4h9Qk6jwygwww8uPbAar7mO2V8n4xnZoBgaoitMrZKeEjsdcUdeGDCnnAODm9s"
    "zKE3f3jgv+AJEY8NHcOrCQ+/JNlzmK5nXXIeXcNjX57RSrIjUao2Dy1aVJpHqPdWaB4tdq"
    "oOaNZOe/yV53UMnfhgG8wjw8HRkCdHL8+qML2sWTHVKy5m9oNs6qhtCEUGA5zXjdSn0eVS"
    "WiBmVNOF288T3pN+pYlMYRZeEnEiBXPB86CXlI7I2HUjc2FQRQqg96hWzSNsr4ei9qGwCu"
    "u/ldNpVnENOJ342ymtHZxgX0mGEBsML0WoqZAgIK9UlrSNhV7Ual/Uunci+B7ZnQYSggV7"
    "qoJvwmR4i0r9eYchk5xHuFDmkbBoTxt93BS8NR/3FPP0SgxC0mgQAVh61p5VEYydFevFzn"
    "L1E9k38PlGksprMGnTjRfhoFLEg+o8huUr+/dpy1Y8fF25aTsHv0/VuXQUt+Ug6/Jcwx7f"
    "QCCxja4paajHuNNjrMVrWrxWXEVCUEIwFohldBMKpSSEKO067q2H06GwqESK5YkVWTXAdR"
    "d1NiS0GhdGJiZZkTgyPQ+fE0hmnoHnRZK/zTFYQS9SJJ6LwhVC8BfpGr2xkC4SvAJLRMKG"
    "6K1oCGM5Im8zDrJ0Vi7YfI28cLKVO0rEg7+PNglPYZeReCf4k+eg/KmTiPaYRJQZlsoCzr"
    "TZAMmmZvddkLISK2unhVgVhVgBcMpqw4yZnuGKM1wxKzFlNMAtrYawdhFdYfIo8SbLRMsJ"
    "K10iW0G53L1NWslqHTp57SzaTWSC8spwyjnNCaPhbdfq1ETN7tRXJTsk2LcY9bSlHvWujL"
    "qEys1RT0EkvkWtiNhogC5wPTqYHHWaRT0PuXJJ40zWbs9QL6L7xpnSxqn5plrcuHHqcEO4"
    "FjGHKUr2OeIwTQZXSa4WKcbkBw9cCH8nU6snSeaJernQ2zB3vMqsh4j4JwU29QSF9+uXG1"
    "madWP30SWEusX+BQOtSo2krQb4WmjsCMYAOFXqL2Ommb+KzN+eQsmOLSGtzOxiIWVxqmCJ"
    "kLKfi0jb6YI90Vx3/v3YM4LvCTp2b+k9fTTb8OiHKqRTXABpi4HP2mrJYHd4pvxIa6JJE0"
    "37fpD6SzTdYBM6F7yw6UhCMiWujssIJoe3M0R91KrkkhucSgTo3PYAP2aJEzfeuSgkh8kM"
    "urYntF5j8YkdzqPoKCOHTRFmi5e2CWYE+0tZselGbqEppW5RSr6HiCrBkbQZXMhd/3kYuh"
    "J1gwGK6txtn5VrDdxGzsDw/MUCEsnZzMVEUcJkANxn2yzRkthPPC/2Ea2NJVqoAC8xHcQ0"
    "b30IeNaqudUI5Cz1AGwxAMhiK9Hx34wdnoWSLoYgONvbiMQTXOWlK7cewjg07TsuCZ7aDo"
    "pc9xzmxXUv8pbdqH4xqDJQNru/4ROlSkVJm+E9Alr7qrch9pDZHJ6SZe+aqXsRnrbVw2lQ"
    "KaNZHJy+K0a8j6ECNMFsBu8I0CXGzb1T9w3QFDsOXiGyI0Yfwm6GDpOBnrj0sh6wrp5QL3"
    "UfCojxbmrAKuxmKDg1uYX1CVk2HEl2r4IL47KNq0XcpMqOlb90MLSQBewF+yrgwKOYsL98"
    "BjYRe0h8lwJYNkF8C2n9YgymyArGj4uWoQsgpdCccxWadL+q9hvoE5a6sI8+Ltm/Eg6Nqn"
    "ohYdNQBNZ/yBNiUQKnqhAnbTTEz0LMmRrVnaykzSBY5hZ2s9gdKVvbA6AUsM7aDRDv+rlL"
    "6DDAFM+jSdoMAuS2ifqVbVFJFepCnUzcfiuBedeoyJr15XNkz+aS+VuI5sZAwymR69v/J1"
    "l1C8GMmreX+nDUEyA1GV4M9XdLhjfLESwmSCpxDa+My1kC3qZy2nTQPCUxFcH7OwdBPvbg"
    "I/Y9BAK+SCZc3aYHrUvtli5VqIhVM51TRoMjU5raWp1D13KUwqGNxQAEfi0cfdp9kWrPU8"
    "d7kQi6RK4V7kv0UWnNHJWtXM6knXY4u+5w5gsybDfoaVOdAtq1FNDtVDY1qEeug/EanIik"
    "yfDrC1pgigrTDJOXx2WBGBEN1RINgQnNObJAYBumBEa1QET9KF416hGtZYGYkq0OwboVgi"
    "kGXzrsUgu7eEaC2qbqxkJX3K6Kss7l2fOGlO1O8FeVWR4bDALulirVMTSZs62MddZO5yNU"
    "RbwbefNdonaa0GtYeMFup4LxxkIjXAVhTU02TE12v/rD6BdEvCBk76N2Th8K3rm0yCmiPO"
    "7fgjdMWw6QLu47b5gc5hl2Je+O0qOMIhN9jtEz5xh1RPgRUIu3k7+QIAkLqMfw+rgC94hF"
    "0+pVzoL2m4L1U4IXgPWNVnNE0DkIKGle6z5gNcEq0nWMmdHSsZEHKOaF8OUlzuruX5OYms"
    "TsBrCthMFdkel8D1SmatLCgJMV6o8ibNfgy/mardxqZGXKbHCpTo0dQMDWa6WALWzffrC2"
    "n1igkbBMF3P/PnU8HTpBsGN7BT0Z5ErReFATWxJDlAbkCSsdkyucLfxkS95fxX5C2Fzvr1"
    "V1EDiDQGIpWVWY01Za21um7e0Iw3SHKA1+eo5cii6Ny3glL2hUkVH6zMvYRyYAWbboB0zW"
    "AFoL2/XAQVg3ETjQnfnsK3tjMGeeASJBUZExgJz8+ZG7nIB/nT/8k6OT1y/y5FKzt9qBZ1"
    "Is3rlLtc4uUyJ1JbwXc09P0PElEXtxlBMb6DBHMczpyGL2qyfPkhSfly5jXBtS/WBZCqec"
    "kDax74rjXnly4wpNAIMckSk0ETgIih79l1hrJKvTtp1ofrtj/HYndEgDXNYTElLoeSvMlo"
    "Y59CSlNYpxzhkOkIltJF+SYLV81Kh9iw4/9+eCdIu++PspvSjy+MGiBlpiU6VaTM5O1+bI"
    "EgNTyFx6y3DwjPn4CtDm7DS0WWgdbD4yiJi7YksqrpczmVlbzWV2mcvUBW6KH6ph7VNslY"
    "cqqkvumIf6nvfR26e8vJQyi+KM8FW9I0q/ocld0FEPH5W95OomEJMQAWk8i+mA7AhWYgXs"
    "mYusH20XhJbSoP4Q3LOPTIwfbfY/SAhXsEFAoGvhBbCttwCzxUUk5vKwBdgeCMooSzmEFm"
    "6pGYduMQ48IVI1Ek7aaMbhWcZBuz/fhZfrQI8avrfVQGdt9VB3eqg55Wowh0GWplRO1G6s"
    "hpdy10RCIxsUNm4St7dEj7wxGRzG9b+cxKRU8qwSFu2RWh33sHJxbxrgPLofmEPMvO2f0V"
    "qAfM2+EXRNGe2d2XPsGbhFQRv7mMBV7OQnJxX77YGMTTzmF3fvLt5fjb7tZwf4AhHbnI8k"
    "oV94ZVwW9sFNm+cCvmJAdcDUrYDpCZEo4K8sF9yYDHDPsJn3PnuoVN75QfMBont8dFRJkH"
    "lUosc8Kjg4JY9wsZgpYaLlTH2SM337fwtLvkQ="
)
