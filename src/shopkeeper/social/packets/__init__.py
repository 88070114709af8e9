"""Platform red packets (跨店铺红包, 看广告抢红包): funded by the platform, usable in every participating store."""
