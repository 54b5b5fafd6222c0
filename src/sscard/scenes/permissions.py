"""Operations on the scenes (SPEC SCN-1, CUL-1, MED-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# A city's card centre registers the scenes of its city and their terminals.
REGISTER_SCENE = Operation("register_scene", "登记用卡场景及终端", {R.CENTRE_ADMIN})
VIEW_SCENES = Operation("view_scenes", "查看用卡场景", {R.CENTRE_ADMIN, R.AUDITOR})
# A registered terminal, signing its request, asks to use a card or ecard shown to it.
USE_CARD_AT_SCENE = Operation("use_card_at_scene", "用卡场景受理社保卡", {R.SCENE_TERMINAL})

OPERATIONS = (REGISTER_SCENE, VIEW_SCENES, USE_CARD_AT_SCENE)
