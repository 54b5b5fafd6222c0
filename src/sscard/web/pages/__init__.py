"""The page routers of each desk; sscard.web.install mounts them."""
