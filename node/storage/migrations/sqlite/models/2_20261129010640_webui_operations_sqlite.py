from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "domain_blocks" (
    "domain" VARCHAR(255) NOT NULL PRIMARY KEY,
    "kind" VARCHAR(8) NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* A blocked domain (or, in allow-list mode, an allowed one). */;
        CREATE TABLE IF NOT EXISTS "media" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "alert_id" VARCHAR(32),
    "draft_id" VARCHAR(32),
    "filename" VARCHAR(255) NOT NULL,
    "content_type" VARCHAR(64) NOT NULL,
    "alt_text" TEXT NOT NULL,
    "width" INT,
    "height" INT,
    "size" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* An uploaded image (stored under the data directory), federated as an attachment. */;
CREATE INDEX IF NOT EXISTS "idx_media_alert_i_773c04" ON "media" ("alert_id");
CREATE INDEX IF NOT EXISTS "idx_media_draft_i_55f707" ON "media" ("draft_id");
        CREATE TABLE IF NOT EXISTS "settings" (
    "key" VARCHAR(64) NOT NULL PRIMARY KEY,
    "value" JSON NOT NULL
) /* Node settings editable by admins (profile languages, header image, allow-list mode…). */;
        CREATE TABLE IF NOT EXISTS "users" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "username" VARCHAR(64) NOT NULL UNIQUE,
    "password_hash" VARCHAR(512) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "session_epoch" INT NOT NULL,
    "failed_logins" INT NOT NULL,
    "locked_until" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL
) /* A staff account of the web interface (under /admin). */;
        CREATE TABLE IF NOT EXISTS "drafts" (
    "id" VARCHAR(32) NOT NULL PRIMARY KEY,
    "data" JSON NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "scheduled_for" TIMESTAMP,
    "alert_id" VARCHAR(32),
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "author_id" INT REFERENCES "users" ("id") ON DELETE CASCADE
) /* An alert being written, or scheduled (embargoed) for a given time; not public until published. */;
CREATE INDEX IF NOT EXISTS "idx_drafts_state_4a1eb4" ON "drafts" ("state");
CREATE INDEX IF NOT EXISTS "idx_drafts_schedul_256dc6" ON "drafts" ("scheduled_for");
        CREATE TABLE IF NOT EXISTS "follower_events" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "actor_uri" VARCHAR(1024) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "at" TIMESTAMP NOT NULL,
    "local_actor_id" INT NOT NULL REFERENCES "local_actors" ("id") ON DELETE CASCADE
) /* Follows and unfollows over time, for the dashboard. */;
CREATE INDEX IF NOT EXISTS "idx_follower_ev_at_48b4b9" ON "follower_events" ("at");
        ALTER TABLE "remote_objects" ADD "moderation" VARCHAR(16) NOT NULL DEFAULT 'pending';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "remote_objects" DROP COLUMN "moderation";
        DROP TABLE IF EXISTS "users";
        DROP TABLE IF EXISTS "follower_events";
        DROP TABLE IF EXISTS "domain_blocks";
        DROP TABLE IF EXISTS "media";
        DROP TABLE IF EXISTS "drafts";
        DROP TABLE IF EXISTS "settings";"""


MODELS_STATE = (
    "eJztXWtz27jV/isYfakzo93XsXNr+k5n7FwadxN7J/H27fQyXIiEJKwpQAVBK2rf/PcC4E"
    "W8gDQhkTTF4MtuTOAA1AMQOOfBOQf/mayoh/zgxwuX43vMt5PX4D8TAldI/KNUNgUTuF7v"
    "SuQDDme+qgyjWhipx3AWcCYeiZI59AMkHnkocBlec0yJrH9BQCyyBRsEAkT4FNyhNQf3iM"
    "0gxysQUIA5wIEoZPfIA5B4QPSLRQXx12zLEZhTpv7xo+zUo67oFZNFR+2HBP8rRA6nC8SX"
    "iIle/v5P8RgTD30VPzv+c33nzDHyvRyU2JMNqOcO367VszdLyN6rmvLdZ45L/XBFdrXXW7"
    "6kJK0ufpp8ukAEMciRl4GWhL4fj0PyKHpX8YCzEKUv6e0eeGgOQ18OkJSO3mD3bOI41ze3"
    "zpd3t44zKQ1eIpHBO37kUiIHHhMeqN+/gl8dH5EFX4o/Xzz7FvWzwyGqJTv8y8XnNx8uPp"
    "+8ePZEdkjF7Ikm1nVccqaKvqkmIIdRIwr1HcwhwyY4x9VHB/TT07MmUMtqlWBHhRLuHbwK"
    "IQN8k/rtAJw82CG8W1p6h/j8rAHA52eV8MqiPLh09htyuWM4hfNSewEdz9ManMc3k2fU25"
    "ZhvkVfuR7mpP4oZnINoLfv/norW14Fwb/8LIwnny7+qhBebeOSjzfXf0qqZ2B/8/HmsgC2"
    "y5AEx4G8DPlbUSL2YqSHPS9ZAN+LRX9M/nGEQzERP9C7If42/srqhubq07svtxeffs6Nz9"
    "uL23ey5Cw3NsnTkxeFryJtBPzf1e0HIP8Ef7u5fqfgpQFfMNXjrt7t3ybynWDIqUPoxoFe"
    "ZkFIniao5UZdaF+UOTrF54pUfGVZkcJgC8COcXgX8iV+OHv67OWzV+cvnr0SVdSLpk9e1o"
    "z41fWt+JKkTjm/06o7Cq8yvu8pQ3hBfkJbBfOVeCVIXN1OHGv4H6kL/YuksSPD+Fsyi5Kn"
    "u/nJ4CbVxXOTS0Agfjji0eZ68eXNxdt3E4X0DLp3G8g8pwLyGRVfSVDG/DKWe//TZ+RD9R"
    "sq4b6UbYwI6dxnHxtQsR24P0hvo3a2Y8VpDgkND51J71Ujf6azMaEkP0N6RjOfX+7DLBet"
    "zlbFJ5DAhfpJsm/ZU8Jl+IjxiY7kUAXTWoZDVjFgN2R1sA5nPg6Wik8AlCBA54CGDKjVKA"
    "AnCfUQAAiuKUdP9EzGAW1Z1mIYll41ayELykD/+cvNtR7opH5RH8YuB/8PxBQ54s1FB7JE"
    "ot4oKdofBW1WNlA0SpZC8fYxMeIzsjKjsATzM/350yZTXdSqnOuqLI+zD8kiFIuxCc5ZmR"
    "Hi/PRFE0qjaLplCI0XRZBdGhLONIxGNcYZka4gfrw1u8k8rp7FpTmcbrym/EVOsB/6ok/Q"
    "j4StSECqpSvCtadwNxzhjFgL4/swFTuUPfnoxjey9/chIfOSdpSHPMpzBHnIdJ/xJaU+gk"
    "Q/xFmxwgDPhFxXGkf6pN9Rvby5+Zgb0MurIov/y6fLd0IHUSMpKuGIKYsIyZx2J5lDZw+q"
    "tyxoCd+HCd8Mapb2bUb7lieaKfnbJR8VUcEaPirliKv5qB0V3YiPuiBEqPyuYo0gWKHVDL"
    "HfBTG1pCeU+BKBN2LVlAMBPtAwEDVEKeB0jV09U9VNLxoO6+8RH6d+ftwnm/zzEGarcq1q"
    "uj7F02+4vFYLi9O0hscKiUd1hErt1rsTshuvwcZrz9Srp/moz9SVR6NW16rmegpiI6TU2n"
    "ItzEAtdxdD94WMiNVmNYtWulEb4loQs9g2cA1JlKMDbYSrCJ30ePTIUG7sHJL5dPX2gXYe"
    "WyOsIbyFL7gBxJmggwMRzsYvjBXf/AY/JAv3DQzQRGPgqufTOvvWFTUamrc3wqrExMWeiv"
    "JYMBqupTGJpANRwQgV/5vRkAPMy/br/s1YJ4uhO1lwzH2z4IVEYITqcicn/fYQutND6GRh"
    "cqRpbrRkFAXHB/XT00ZBIjUhIkW0V4iJ7cwR3VETrAtio4vHaT/syRJZ1dCPl8iK3Sb2GP"
    "W8pB31oYy65ng+9eYuGRsPRVkIjZsc6hsvDYx3sp0jnAONIgh2/uj7g2RI7wzTc6XfEILd"
    "vKqwatNJV2/aOrtJ/rCBe7tEAIYe5kD+UD86XZWtvI6t09RY9ZCLAyE1BfJLXInxd9VxKg"
    "FIiFNhwJbt3tZbb9kctiezB57M3omfZaLGJvVHaPq273ztIS4+mjK8NQEcqUT/IRyT/52H"
    "xJUYglmIfY5J8KPs9o+Tbhfp3gI7ZkYMxKznsP5JsA04WnUFdtenotZaq4b+OPX2JtaaUl"
    "fMeOqMyAg3kXZokJrjWzc+HTnw6Cs5ZDkysJsee2Um2ZCOvNLQdY2BkA1rr7YP8kH0D5sH"
    "X7h4E8A39LVysAzEJEEe+Pnmy61ythSP0lxonKq/MZnRr2VL4JCG9E6amcNXVfUwH81LvP"
    "hejIHfn52dn788Oz1/8er5s5cvn786Ta2CclGdeXB59SdpIeSWoodNBrG08FDDLlQv+TuJ"
    "3g4YJmtEPInlkZoOkAtdcK0jcaqdoTIi/TlCnXY711vzMCPoK3e0h5D12mlWzsZpDodCLu"
    "uiPpKbfki4zuSuH+SCqI3kG/Q4U/dOmItm1nxOqKPD11F5Ofsw4A5iTBdPVp0NMS81Bpzr"
    "vhybEtHyKO3wKJEBZLCepQIj5FC6Su26jAMnm2Kc1B+fV9TZ8+dNXNCeP692QpNlmh2jyj"
    "isDvfOS+1luAxsy2jbdEkzz++XoiIna1XbIau2NoqvU/22LirKRpWMI6rkLV2JF7+U9t5E"
    "x7Jniqe1RLuq6MxkzaapFMAsMjNBJAxOKJsCLJN0+nTzgzy7B7KnqfSKUc9EVUq0mT0Pau"
    "oAJ5uoO5PFZycxutiTFtWkY/bAmcySz6V7yF81APxVJdyvijqpsBgDqpnO1QzGTqJHgLvC"
    "1pIXg9laR0ZeGDhvd7rbMzjXuttGBfU7vKximrV7hqSz64ZhzhGZSg/XwF0iL/TF/nuCVj"
    "PIFhR5T9T1YBAshO1FgJyxfwCExnm6XaAOGnZJu2sSe3fWnQ1LHYKfT51ecDy5v0fvOCrp"
    "KaPAylSgP38HL1nwjtHbIV3UnLnuvKledSgJ98Jx2VP6PSmuyuxJNfxWdfqkozxTtJGzVg"
    "1vRw23kbNjHnXNglqO9QzFaJmmTcvK2BO3h1OmKbxaOBr4JUBHuF01PhXITqshnQnsLkPT"
    "MAW5m9Kq2YLoVjbnNzoz8ryPsxrHx7Db1wB9XcvbxCEp+csnAQCA0Q1YI1bvid9Owy3TAN"
    "YJX5ZZJ3zrhL/3zmqd8K0T/tFoo9YJ/7sdZ+uEb53wB/Hl2HNsS6W0Q6CJD4pBRxlHujvK"
    "q4/eSoLDOIOT/Y3mDE6M25wqRzemy2xWd5FMUbTH62QSNfJob5OxHsnWI3kAO/8xeyS/j9"
    "eeiY58TMqmtdxjdvVq4ofM0IpyFN2jBiJp6UdUumJN53hsJKvN7FG4izC6YS9k2F7C9qip"
    "/nbjYLaQ74RGuIx3FWtoAzp7ADkQaKqc6oZYF+XGYCL3g3i0HxgqgzkhO70bg21ZiOoBGC"
    "8LYS/OthdnD9vWGvbF2YlJVZmJPV9h2sTwMsrIHrUfAOmNEZJ5/Be9R0yFZkxVsIa82tqD"
    "wXJGxQ8um2F7tmGzq1uTa4ALSz/q0vADafuDuANXGFMdtE/ds9c1w6qeVvW0qqdVPatUz+"
    "h3VqidsTfkQypnUq3R/bY5Wj5D2cMcl6+/1NZAtgnXzyETpZbsf3TNMzMQBipRXmqMipHl"
    "RY8f7OGFY2v8cY7c9d1yz9XQWwPAGgDWALAGwKRkAHyQGYM1uv+HOJNwtdovcw035JfTcL"
    "4lgj5fJtfvxPq6bOgP6r8B4EvIwR1Ca9EU9pVazxBYQ3anSzrUYrsH8NCPm6R5QBmGekk+"
    "KN8AuSEXA+/IsQyZzvO5ctmvEreRb0U/2ujj2C8wqihrI6MGHRllY3YeJWYnSiQfui4KNE"
    "vYA6GHBVn7hQ3tCytp0Y+j4F1Jl8EreU2vRsvbFdaqesrt0MGiXvPkk5i4dKUUrdjPfQoC"
    "oQIjD8zQXPwfbBCAJNggBs5Oz6Zgzaicy7J8q/wEVKdgQ8VOomGCO+nB5pawuSVsbgmbW8"
    "LmlnhEb4Vj3/dtbonvcJxtbgmbW2IQX47NLWFP1h5e1JqcrA0pjn5AJHdXLgLW8bpHsGfU"
    "02zV1XtIUn8UEPexfQyG/FIIX8hs7BMt/5Upn9ZTYKqmoxK7N85qsEKrGWK/C+K7UWCgeK"
    "c3QreXIwQ+0DCQNJRqGmAOTgiSATMMxfenvFb101au5bEmDsAdWnPtFWyd92fDdYblNGm4"
    "X7S6U3wPm7K6xkHhZLIr56RGsWd0zS0uhRrtY2IEc1ZmhCA/f9rklg1RqxJmVVZwRA1XK6"
    "hjHKt1n4yIvV9wjzNesgiFcmJEDGVkRjixO3D9pSHR8ujVGGdEejsA6s8Rq4kbVrUTVjkz"
    "kIs9RLjjGXqxlwTHB/XT00Z6R43WUZrMAokFZdgsoWdeymbzrF/I98jmKSy9uBuDUckJ2U"
    "FpfVDi6K87tDUaloKYHZjWBybO/2GyWWREOjqkGZ99GiDI3KXDhfJupNLnxaxab6zWE6rT"
    "hKpXnKR+/0vN4xDJnSwq6X3QZeQfcEfPClqPmSF7UsQXO5qOcEbMesoMeXyjwDeds2xdPv"
    "yMVI+p8NMnR5sLn6F7jDYmWthOoketAK7XjN6j5G2Ojn8Sk9AsBDAVsOH9TTFmyEX4fi8v"
    "pIKodUMayo7RxA0pciFzqu+WqOHEyqLDMPVlt6Mx9V3pp2zmI5YRGYM/Zn7pO2/Cvp9X0+"
    "/nJf498scwS2+Rk7GZLR7ObBEBVkbYOKnFp7ShIwO4aUKL3NTS57Iorg8twPombua4loam"
    "mGZWRNPsIAU1VHfVWCz3/qfPyIfqJ1TCfJlopiOZvN+6dS/kSLoARu+q8S7cFU/rnQvTio"
    "1dCz/iOwQoAxeEUKFgoCT5SZwekc5+Qy7XXpdkIGnd/Ybl7md98m1+7keCuP1wYhvw0N9M"
    "jhZ1U7TzUmN03rHXIFmm6hCmaiBxLplEiho9NJ9msVoNzWQqbJ7nJbp1ky9xAIhoEtANCa"
    "IwEsoWkOBAGRzTOOFKZOVFQlMgjBF5PQxdYxcsGA3XOn21ky6sYjssxTYMEFP/NtidsjKj"
    "U2nbj563ymyHyqzp3G133g4K3BazgNq4lUdzcFszfC8Pz+7Q1llH+eGaAq8RHcU0730IpN"
    "eau9cIlCTtAOz1DdA59lGisJQGoPrkuSw5jIPnUfmYY9G/EzJNZq2aiKSMzPiOni2fYfmM"
    "3viM0qmENmLN5OzxIuOoc2TToPL4sZRN4FCMklQlYwTIHmA/AFByu/OBGCX3SY8dpswl2I"
    "eDlV6+PV7EYvfgQ7GKmxkLTl0S95+Qh+FEw9lHBdM6un6VVmnC04drn0JPpn1aiVcBJ3Gq"
    "9FCAndzLziHwMEOSON8+mYI58qLxk3mkIAGQc+guV+Ir0LL0rXfQMkdfYxSM0yuiLUfUGn"
    "cUlejI0BclIzO6ON/2fX89BuemEGdlLMQPQiyZGlP+PiszCm6tBw5f9MhlMhgFlAHWRbkR"
    "4t3+aR/0uXFagKzMKEDumzDeYE8MZwnxSu+AtP5eARpDoyJbvh1jifBiqZm/lWjuBCycZT"
    "gD/G/NqlsJZlLd3tpSBNKS4dVQf7dkeLccgQoo05IESahZHUsg6xhmrM451ulySMfJmqpz"
    "UBu1YL3xhuWNNxTX/AGRKV0drS4h8XyztMepxAjcmnpIeTx817ye0D07ffaqiVUvqlWb9a"
    "qwoFlyw7SwqYDNftI4WMrz9lI5s3JW4Ry6wpkPj3PRej87oyBqE6INLSHafl42LXiPFO+7"
    "ObLP/VGOaD+jFeWoMrgqWzytM8SYqmgWXgVc6C6RByLZOBBK4BTKQ1IgFEGAubyeZ6szxI"
    "xkrQk2LBPMXuzTbWQ/Ms2hsJOwcdBNUbYRDI98IIXJjH41meWpwCjg7ikJu0BTKNvGWBfl"
    "bDxCU8SHES08JGqnC38Nj65EdyYY7yQswk0QttRkx9Tk8GPeJz8jFkQm+zH6ziX2ZBnk6u"
    "DIrMwwwiJHlY93jri0+/fgDfOSI6SLj503zA7zgupuS629RSERsVcoPHCFwkAcPyJq8UYl"
    "YZtUUo9x+bQB9xin9mxIPpI4FShI8ueDOaMrINpGmyVi6HV0y3ggE4dGrCbYJH4dUyG09j"
    "EKAKcyq6g+sVPb7VsS05KYwwC2n9vJB+Km8z1QmaZBCyMOVmjfisDEkcv5VqzcZmRlTmx0"
    "oU5dzWW5XhsZbHF9e3nhAWaZvb/o+/TjiW8m3GPY85LWi2fI1ri91rDPaw3vsWb/qtYT4u"
    "r2fK2pgiAZBJa6kjWFOS9lfXvrfHsHwjB9QZxHP71ELiVF0zpeKYgqNWSUrmXy7kQEIA+r"
    "dsBsC6C3wiQAJ3HeROBDsgjFKwdTsBSaAWJRUpEpgJL8+UGqnEC+zj/Cs9OzF0/K5FK3XR"
    "3AM90hTRLbWq+jUVIibQW8V3NP99APja5oTwWsmWNo5gxkMfsl0EdJque1y5j0DWnskhtw"
    "OJeEtEtDwiU3LYMbN2gG1C1ec+gicPLrr/+j1plff9WsTfs1YbntgXHbg/BBGuGSnnEfhU"
    "GwoWJZWMJAk1ajGueS4AhZ2E5iJRk1i0VN6veo7EtdLgq1OBZdP+crioJAvJKD1tQ1yRRT"
    "krN5OYqkwBwKdd5zfLrARBMmVQltSc5CW4TWp+6dgEgoK1iTbb2exSzKWh5zyDymTW5T/V"
    "GN64xirxhUlVnywBjUt7KNo/3K+409vUAMu8uJxqiNS6Z1Zi3c1XnIrq2Gwdqdw7I77xEL"
    "DIn5jMgIDaFOIjPkR2WAcFx9hOg+PT1tdMJ0WnPAdFqRCdaEnc2IWH72mPjZb/8FpbOhVA"
    "=="
)
