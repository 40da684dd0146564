"""The admin's imports as jobs: an uploaded file is kept (reports.importers.uploads), checked by a worker (a dry
run), and, when its curator confirms, imported by a worker. Both jobs belong to the curator who uploaded it."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from reports.importers import uploads
from reports.importers.results import ImportResult
from reports.jobs import running
from reports.jobs.tasks import enqueue
from reports.models import Job


def start_check(*, upload: UploadedFile, format: str, skip_refused: bool, user: AbstractBaseUser) -> Job:
    """Keep the uploaded file and queue its dry run. `format` is empty to detect it from the file."""
    token = uploads.keep(upload)
    params = {"token": token, "name": upload.name, "format": format, "skip_refused": skip_refused}
    return enqueue(Job.objects.create(kind=Job.Kind.CHECK_IMPORT, user=user, params=params, total=upload.size))


def start_import(*, check_id, user: AbstractBaseUser) -> Job | None:
    """Queue the import of a file `user` checked and may import. None when there is no such check (someone else's,
    not finished, not importable) or it was confirmed already, or its file is no longer kept."""
    with transaction.atomic():
        check = (
            Job.objects.select_for_update()
            .filter(id=check_id, kind=Job.Kind.CHECK_IMPORT, status=Job.Status.DONE, user=user)
            .first()
        )
        if check is None or not (check.result or {}).get("importable") or check.params.get("import_job"):
            return None
        if uploads.path(check.params["token"]) is None:
            return None
        job = Job.objects.create(
            kind=Job.Kind.IMPORT, user=user, params={**check.params, "check": str(check.id)}, total=check.total
        )
        check.params = {**check.params, "import_job": str(job.id)}
        check.save(update_fields=["params"])
        return enqueue(job)


def outcome(job: Job) -> ImportResult | None:
    """What a finished check or import found or did, as the import page shows it."""
    if job.status != Job.Status.DONE or not job.result:
        return None
    return ImportResult.from_json(job.result["import"])


def _options(job: Job) -> dict:
    return {name: job.params[name] for name in ("token", "name", "format", "skip_refused")}


def run_check(*, job: Job, progress: running.Progress) -> dict:
    result = uploads.check(**_options(job), on_bytes=progress.set)
    return {"import": result.as_json(), "importable": uploads.importable(result)}


def run_import(*, job: Job, progress: running.Progress) -> dict:
    result = uploads.confirm(**_options(job), user=job.user, on_bytes=progress.set)
    if result is None:
        raise FileNotFoundError("the uploaded file is no longer kept; upload it again")
    return {"import": result.as_json()}
