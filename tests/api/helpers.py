"""Bodies and calls the API tests share."""

import io

from PIL import Image

from tests.factories import make_id_number


def png(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_file(name="photo.png", color=(200, 30, 30)):
    f = io.BytesIO(png(color))
    f.name = name
    return f


def household_body(village_code="520999101201", seq=1, **overrides):
    members = overrides.pop("members", None)
    body = {
        "number": f"{village_code}{seq:04d}",
        "village": village_code,
        "poverty_registered": True,
        "poverty_reg_number": f"JD{seq:08d}",
        "relocation_reason": "harsh_conditions",
        "resettlement_mode": "scattered",
        "scattered_location": "县城附近集镇",
        "planned_floor_area": "50.00",
        "self_funding": "3000.00",
        "contact_phone": "13812345678",
        "members": members if members is not None else [
            {"name": "张三", "relation": "head", "id_number": make_id_number(), "employment": "local"},
            {"name": "李四", "relation": "spouse", "id_number": make_id_number(birth="19820305"),
             "employment": "migrant"},
        ],
    }
    body.update(overrides)
    return body


def upload_evidence(client, household_id, kind, stage, name=None):
    return client.post(f"/api/v1/households/{household_id}/evidence/",
                       {"file": png_file(name or f"{kind}.png"), "kind": kind, "stage": stage},
                       format="multipart")


def transition(client, household_id, name, **body):
    headers = {k: body.pop(k) for k in list(body) if k.startswith("HTTP_")}
    body.setdefault("opinion", "同意")
    return client.post(f"/api/v1/households/{household_id}/transitions/{name}/", body, format="json", **headers)
