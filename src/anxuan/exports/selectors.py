"""Reads of export jobs: each person sees their own, while they still oversee the campaign."""

from django.db.models import QuerySet
from django.http import Http404

from anxuan.exports.models import ExportJob
from anxuan.orgs.models import Person


def jobs_of(person: Person) -> QuerySet:
    return ExportJob.objects.filter(requested_by=person).select_related("campaign__owner")


def get_job_for(person: Person, pk: int) -> ExportJob:
    job = jobs_of(person).filter(pk=pk).first()
    if job is None or not person.has_perm("campaigns.oversee", job.campaign):
        raise Http404
    return job


def referenced_export_files(names: list[str]) -> set[str]:
    """Those of `names` (files in storage under exports/) that a job offers for download;
    the orphan sweep (core.sweep) leaves them."""
    return set(ExportJob.objects.filter(file_name__in=names).values_list("file_name", flat=True))
