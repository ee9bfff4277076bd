from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms import phones
from cms.caching import bump_content_version
from cms.documents import Document
from cms.images import image_field
from cms.publishing import (
    Keyed,
    KeyedQuerySet,
    Publishable,
    PublishableQuerySet,
    Versioned,
    schedule_in_order,
    unique_per_language,
)
from cms.rich_text import RichTextField
from cms.search import indexed, indexed_fields, normalise
from cms.translation_marks import TranslationMarked

PLAIN_TEXT_HELP = _("Plain text; a blank line starts a new paragraph.")
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
# A cluster's current figures, copied from its latest snapshot: {cluster field: snapshot
# field}. Stored so the directory filters, sorts and counts them as plain columns.
CURRENT_FIGURES = {
    "current_year": "year",
    "current_members": "members",
    "current_enterprises": "enterprises",
    "current_business_environment_institutions": "business_environment_institutions",
    "current_universities": "universities",
    "current_year_is_earliest": "year_is_earliest",
}


def latest_snapshot_figures() -> dict[str, Subquery]:
    """The latest snapshot's figures, as expressions on a cluster queryset."""
    latest = MembershipSnapshot.objects.filter(cluster=OuterRef("pk")).order_by("-year")
    return {
        name: Subquery(latest.values(field)[:1])
        for name, field in CURRENT_FIGURES.items()
    }


def figures_year(year: int, is_earliest: bool) -> str:
    """The year figures are shown under: an undated source's only as the earliest
    it can be ("2024 or later"), never as that year's."""
    if is_earliest:
        return _("%(year)s or later") % {"year": year}
    return str(year)


# How the public reaches a cluster or its coordinator, in the order shown: the fields
# of `ContactRoutes`, read by the pages, the open data and the quality report alike.
CONTACT_FIELDS = ("website", "email", "phone")


def has_contact_route() -> Q:
    """A record with at least one of its CONTACT_FIELDS filled (all are blank, not
    null, when empty)."""
    condition = Q()
    for field in CONTACT_FIELDS:
        condition |= ~Q(**{field: ""})
    return condition


class ContactRoutes(models.Model):
    """A website, an e-mail address and a phone number, each shown when filled."""

    website = models.URLField(
        _("website"),
        blank=True,
        help_text=_("The full address, starting with https://."),
    )
    email = models.EmailField(
        _("e-mail"),
        blank=True,
        help_text=_("An address for those who want to join or ask a question."),
    )
    phone = phones.phone_field()

    class Meta:
        abstract = True

    @property
    def has_contact_route(self) -> bool:
        return any(getattr(self, field) for field in CONTACT_FIELDS)


class CoordinatorQuerySet(KeyedQuerySet):
    def public(self):
        """Coordinators of at least one published cluster: those with a page."""
        published = Cluster.objects.published().filter(coordinators=OuterRef("pk"))
        return self.filter(Exists(published))


class Coordinator(Keyed, Versioned, TranslationMarked, ContactRoutes):
    """An organisation or a person that coordinates one or more clusters."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        PERSON = "person", _("person")

    name = models.CharField(_("name"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.ORGANISATION
    )
    # Shown under the coordinator's name, an h3: no subheadings.
    description = RichTextField(_("description"), blank=True, heading_levels=())
    logo = image_field(_("logo"), "coordinator_logos")

    objects = CoordinatorQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")

    def __str__(self):
        return self.name or self.key

    def get_absolute_url(self):
        return reverse("clusters:coordinator", kwargs={"key": self.key})


class OrganisationQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Organisation(Versioned):
    """A member organisation, named in its own form in every language."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        BUSINESS_SUPPORT = "business_support", _("business environment institution")
        UNIVERSITY = "university", _("university")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=300, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


# Before each section's key in the stored search text, so that the key is not taken
# for a word of the text: no word a visitor looks for begins with a digit followed by
# a section's key (cms/search.py).
SECTION_MARK = "2"
# The rows whose texts a cluster's stored search text holds.
SEARCHED_RELATIONS = ("coordinators", "items", "projects", "member_organisations")


def search_fields(cluster) -> dict[str, str]:
    """A cluster's stored search fields: its names' words as written, for the
    typo-tolerant search (`search_name`); its names', description's and every text's
    forms as the search stores them (cms/search.py `indexed`), `search_text` with a
    line per section, SECTION_MARK and its key, a colon, then its words' forms. Reads
    only fields and relations a migration's historical model has too."""
    name_fields = ("name_pl", "name_en", "other_names_pl", "other_names_en")
    written = (getattr(cluster, field) for field in name_fields)
    plain = normalise(" \n ".join(filter(None, written)))
    names = indexed_fields(cluster, "name", "other_names")
    description = indexed_fields(cluster, "characteristics", "membership_conditions")
    sections = {"names": names, "texts": description}
    if cluster.pk:
        for item in cluster.items.all():
            # One word in PostgreSQL's text search too: "keyactivity".
            section = item.kind.replace("_", "")
            sections[section] = sections.get(section, "") + indexed_fields(item, "text")
        sections["projects"] = "".join(
            indexed_fields(project, "title", "description")
            for project in cluster.projects.all()
        )
        sections["coordinators"] = "".join(
            indexed_fields(coordinator, "name")
            for coordinator in cluster.coordinators.all()
        )
        # Member organisations' names are as they write them, mostly Polish.
        sections["members"] = "".join(
            indexed(organisation.name, "pl")
            for organisation in cluster.member_organisations.all()
        )
    search_text = "\n".join(
        f"{SECTION_MARK}{section}:{forms}"
        for section, forms in sections.items()
        if forms
    )
    return {
        "search_name": plain,
        "search_name_forms": names,
        "search_description": description,
        "search_text": search_text,
    }


class ClusterQuerySet(PublishableQuerySet):
    def refresh_search_text(self) -> None:
        """Recompute the stored search text, e.g. after coordinators changed."""
        for cluster in self.prefetch_related(*SEARCHED_RELATIONS):
            type(cluster).objects.filter(pk=cluster.pk).update(
                **cluster.build_search_text()
            )

    def refresh_current_figures(self) -> None:
        """Copy each cluster's latest snapshot's figures onto it, in one UPDATE.

        Call after writing snapshots: the admin does after saving the inlines, an
        import after its rows, `setup_instance` after loading fixtures.
        """
        self.order_by().update(**latest_snapshot_figures())
        bump_content_version()  # update() sends no signals

    def key_figures(self) -> dict:
        """What the directory lists, and the members summed per year of figures.

        `clusters` and `segments` together are the directory's entries. Each top-level
        cluster's current snapshot counts once, in `years` under that snapshot's year
        (latest first): figures of different years are never added together, nor
        undated figures (`year_is_earliest`: that year or later, `undated` when any)
        with dated ones. Segments
        are left out of the sums, as their members are counted in their parent
        cluster; so are a cluster of clusters' figures, as its members are clusters
        ("5 klastrów"), not organisations. A year's enterprises may come from fewer
        clusters than its members (`clusters_with_enterprises`). One query, whatever
        the number of clusters.
        """
        top_level = Q(parent__isnull=True)
        not_of_clusters = Q(member_clusters__isnull=True)
        reported = top_level & not_of_clusters & Q(current_members__isnull=False)
        rows = (
            self.order_by("-current_year", "current_year_is_earliest")
            .values("current_year", "current_year_is_earliest")
            .annotate(
                clusters=Count("pk", filter=top_level),
                segments=Count("pk", filter=Q(parent__isnull=False)),
                reporting=Count("pk", filter=reported),
                members=Sum("current_members", filter=reported),
                enterprises=Sum("current_enterprises", filter=reported),
                reporting_enterprises=Count("current_enterprises", filter=reported),
                of_clusters=Count("pk", filter=top_level & ~not_of_clusters),
                unreported=Count(
                    "pk",
                    filter=top_level
                    & not_of_clusters
                    & Q(current_members__isnull=True),
                ),
            )
        )
        totals = ("clusters", "segments", "of_clusters", "unreported")
        figures = {name: sum(row[name] for row in rows) for name in totals}
        figures["years"] = [
            {
                "year": row["current_year"],
                "year_is_earliest": row["current_year_is_earliest"],
                "year_label": figures_year(
                    row["current_year"], row["current_year_is_earliest"]
                ),
                "clusters": row["reporting"],
                "members": row["members"],
                "enterprises": row["enterprises"],
                "clusters_with_enterprises": row["reporting_enterprises"],
            }
            for row in rows
            if row["reporting"]
        ]
        figures["undated"] = any(year["year_is_earliest"] for year in figures["years"])
        return figures

    def without_contact_route(self):
        """Clusters a visitor cannot reach: no website, e-mail or phone of their own
        nor of any coordinator's (the city's team is then the only route)."""
        reachable_coordinators = Coordinator.objects.filter(
            has_contact_route(), clusters=OuterRef("pk")
        )
        return self.exclude(has_contact_route()).exclude(Exists(reachable_coordinators))


class Cluster(Publishable, TranslationMarked, ContactRoutes):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        # Named only by an older source: neither active nor inactive for certain.
        UNCONFIRMED = "unconfirmed", _("no recent information")

    name = models.CharField(_("name"), max_length=300, blank=True)
    other_names = models.TextField(
        _("other or former names"), blank=True, help_text=_("One name per line.")
    )
    slug = models.SlugField(_("slug"), max_length=200)
    year_established = models.PositiveSmallIntegerField(
        _("year established"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.ACTIVE
    )
    coordinators = models.ManyToManyField(
        Coordinator, verbose_name=_("coordinators"), related_name="clusters", blank=True
    )
    highlands = models.ManyToManyField(
        "ecosystems.Highland",
        verbose_name=_("Highlands"),
        related_name="clusters",
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent cluster"),
        related_name="segments",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Set for a segment of a larger cluster."),
    )
    member_clusters = models.PositiveSmallIntegerField(
        _("number of member clusters"),
        null=True,
        blank=True,
        help_text=_("For a cluster of clusters."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_(
            "What the cluster does, in one sentence: the directory and the table of "
            "all clusters show it under its name."
        ),
    )
    characteristics = RichTextField(_("characteristics"), blank=True)
    membership_conditions = RichTextField(_("membership conditions"), blank=True)
    universities_in_sources = models.BooleanField(
        _("sources name universities among its members"),
        default=False,
        help_text=_(
            "Tick when a source names universities among the cluster's members, "
            "founders or coordinators, even without their number: the directory then "
            "lists it with the clusters that have universities."
        ),
    )
    logo = image_field(_("logo"), "cluster_logos")
    member_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("member organisations"),
        through="Membership",
        related_name="clusters",
        blank=True,
    )
    verified_on = models.DateField(
        _("verified on"),
        null=True,
        blank=True,
        help_text=_("When staff last confirmed this record with the cluster."),
    )
    search_name = models.TextField(editable=False, default="")
    search_name_forms = models.TextField(editable=False, default="")
    search_description = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    # The latest snapshot's figures (CURRENT_FIGURES); empty without snapshots.
    current_year = models.PositiveSmallIntegerField(
        _("year"), null=True, editable=False
    )
    current_year_is_earliest = models.BooleanField(
        _("undated source, not before this year"), null=True, editable=False
    )
    current_members = models.PositiveIntegerField(
        _("members"), null=True, editable=False
    )
    current_enterprises = models.PositiveIntegerField(
        _("enterprises"), null=True, editable=False
    )
    current_business_environment_institutions = models.PositiveIntegerField(
        _("business environment institutions"), null=True, editable=False
    )
    current_universities = models.PositiveIntegerField(
        _("universities"), null=True, editable=False
    )

    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        permissions = [("publish_cluster", _("Can publish clusters"))]
        indexes = [
            # Every column the directory's counts and the home page's figures read:
            # they scan this narrow index instead of the wide rows (texts included).
            models.Index(
                fields=[
                    "is_published",
                    "publish_from",
                    "publish_until",
                    "status",
                    "year_established",
                    "parent",
                    "current_year",
                    "current_year_is_earliest",
                    "current_members",
                    "current_enterprises",
                    "current_universities",
                    "universities_in_sources",
                    "id",
                ],
                name="cluster_counted_columns",
            ),
        ]
        constraints = [
            *unique_per_language("slug", "cluster"),
            schedule_in_order("cluster"),
            models.CheckConstraint(
                condition=Q(name_pl__isnull=False, name_pl__gt="")
                | Q(name_en__isnull=False, name_en__gt=""),
                name="cluster_named_in_some_language",
                violation_error_message=_(
                    "Give the cluster a name in at least one language."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year_established__isnull=True)
                | Q(
                    year_established__gte=EARLIEST_YEAR,
                    year_established__lte=LATEST_YEAR,
                ),
                name="cluster_year_established_plausible",
                violation_error_message=_("The year established is not plausible."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="cluster_not_its_own_parent",
                violation_error_message=_("A cluster cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name or self.key

    def save(self, *args, **kwargs):
        for field, value in self.build_search_text().items():
            setattr(self, field, value)
        self.set_current_figures()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clusters:detail", kwargs={"slug": self.slug})

    def status_label(self) -> str:
        """The status as visitors read it: an unconfirmed one says since when."""
        if self.status == self.Status.UNCONFIRMED and self.current_year:
            return _("no information since %(year)s") % {"year": self.current_year}
        return self.get_status_display()

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A cluster cannot be its own parent.")})

    def build_search_text(self) -> dict[str, str]:
        return search_fields(self)

    def set_current_figures(self) -> None:
        """Read the latest snapshot's figures from the database into this record.

        A copy loaded before snapshots changed would otherwise save its stale figures.
        """
        figures = None
        if self.pk:
            figures = (
                MembershipSnapshot.objects.filter(cluster=self.pk)
                .order_by("-year")
                .values(*CURRENT_FIGURES.values())
                .first()
            )
        for name, field in CURRENT_FIGURES.items():
            setattr(self, name, figures[field] if figures else None)

    def refresh_derived(self) -> None:
        """Derives again what comes from the cluster's coordinators and snapshots,
        once they are written (a revision restored: cms/revisions.py)."""
        saved = Cluster.objects.filter(pk=self.pk)
        saved.refresh_search_text()
        saved.refresh_current_figures()

    @property
    def current_snapshot(self):
        """The latest membership snapshot: the cluster's current figures."""
        snapshots = list(self.snapshots.all())
        return max(snapshots, key=lambda s: s.year, default=None)


class ClusterPartQuerySet(models.QuerySet):
    """Rows that belong to a cluster and are keyed by the cluster and an order."""

    def get_by_natural_key(self, cluster_key, *rest):
        return self.get(
            cluster__key=cluster_key,
            **dict(zip(self.model.NATURAL_KEY_FIELDS, rest, strict=True)),
        )


class MembershipSnapshot(TranslationMarked):
    """A cluster's member counts as a given source stated them for a year."""

    NATURAL_KEY_FIELDS = ("year",)

    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        related_name="snapshots",
        on_delete=models.CASCADE,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # An undated source is filed under the earliest year it can be from; the figures
    # are then shown as "that year or later", never as that year's.
    year_is_earliest = models.BooleanField(
        _("undated source, not before this year"),
        default=False,
        help_text=_(
            "Tick when the source gives no date and the year is only the earliest "
            "it can be from."
        ),
    )
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    enterprises = models.PositiveIntegerField(_("enterprises"), null=True, blank=True)
    business_environment_institutions = models.PositiveIntegerField(
        _("business environment institutions"), null=True, blank=True
    )
    universities = models.PositiveIntegerField(_("universities"), null=True, blank=True)
    source = models.TextField(
        _("source"), blank=True, help_text=_("Where the figures come from.")
    )

    objects = ClusterPartQuerySet.as_manager()

    PARTS = ("enterprises", "business_environment_institutions", "universities")

    class Meta:
        ordering = ["cluster", "year"]
        verbose_name = _("membership snapshot")
        verbose_name_plural = _("membership snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="one_snapshot_per_cluster_and_year",
                violation_error_message=_(
                    "This cluster already has figures for that year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=EARLIEST_YEAR, year__lte=LATEST_YEAR),
                name="snapshot_year_plausible",
                violation_error_message=_("The year is not plausible."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(members__isnull=True)
                    | Q(**{f"{part}__isnull": True})
                    | Q(**{f"{part}__lte": F("members")}),
                    name=f"snapshot_{part}_within_members",
                    violation_error_message=_(
                        "A part of the members cannot be larger than the number of members."
                    ),
                )
                for part in (
                    "enterprises",
                    "business_environment_institutions",
                    "universities",
                )
            ),
        ]

    def __str__(self):
        return f"{self.cluster} ({self.year})"

    def natural_key(self):
        return (self.cluster.key, self.year)

    natural_key.dependencies = ["clusters.cluster"]

    @property
    def year_label(self) -> str:
        return figures_year(self.year, self.year_is_earliest)

    def clean(self):
        errors = {
            part: _(
                "%(part)s (%(count)s) cannot be more than the members (%(members)s)."
            )
            % {
                "part": self._meta.get_field(part).verbose_name,
                "count": getattr(self, part),
                "members": self.members,
            }
            for part in self.PARTS
            if self.members is not None
            and getattr(self, part) is not None
            and getattr(self, part) > self.members
        }
        if errors:
            raise ValidationError(errors)


class ClusterItem(TranslationMarked):
    """One entry of a cluster's lists: goals, ways of achieving them, services..."""

    NATURAL_KEY_FIELDS = ("kind", "order")

    class Kind(models.TextChoices):
        GOAL = "goal", _("goal")
        ACTIVITY = "activity", _("way of achieving the goals")
        # What a segment's source lists as its "key activities": not said to serve
        # the goals, so not listed as a way of achieving them.
        KEY_ACTIVITY = "key_activity", _("key activity")
        BENEFIT = "benefit", _("benefit for members")
        SERVICE = "service", _("service")
        PRODUCT = "product", _("product")

    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        related_name="items",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("text"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ClusterPartQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "kind", "order"]
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "kind", "order"],
                name="one_item_per_cluster_kind_order",
            )
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (self.cluster.key, self.kind, self.order)

    natural_key.dependencies = ["clusters.cluster"]


class Project(TranslationMarked):
    """A flagship project of a cluster."""

    NATURAL_KEY_FIELDS = ("order",)

    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        related_name="projects",
        on_delete=models.CASCADE,
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=PLAIN_TEXT_HELP
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ClusterPartQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "order"]
        verbose_name = _("flagship project")
        verbose_name_plural = _("flagship projects")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "order"], name="one_project_per_order"
            )
        ]

    def __str__(self):
        return self.title or f"{self.cluster} #{self.order}"

    def natural_key(self):
        return (self.cluster.key, self.order)

    natural_key.dependencies = ["clusters.cluster"]


class MembershipQuerySet(models.QuerySet):
    def get_by_natural_key(self, cluster_key, organisation_name):
        return self.get(cluster__key=cluster_key, organisation__name=organisation_name)


class Membership(models.Model):
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "organisation__name"]
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "organisation"],
                name="one_membership_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.cluster}"

    def natural_key(self):
        return (self.cluster.key, self.organisation.name)

    natural_key.dependencies = ["clusters.cluster", "clusters.organisation"]


# The Page whose text introduces the home page (the Lublin Economic Highlands).
INTRODUCTION_KEY = "lublin-economic-highlands"


class Page(Publishable, TranslationMarked):
    """A free-standing text page, e.g. the introduction about clusters."""

    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, help_text=PLAIN_TEXT_HELP)
    # Shown right under the page's h1.
    body = RichTextField(_("body"), blank=True, heading_levels=(2, 3))
    documents = models.ManyToManyField(
        Document,
        verbose_name=_("downloads"),
        related_name="pages",
        blank=True,
        help_text=_("Files from the documents library listed under the text."),
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        permissions = [("publish_page", _("Can publish pages"))]
        constraints = [*unique_per_language("slug", "page"), schedule_in_order("page")]

    def __str__(self):
        return self.title or self.key


class Report(Keyed, Versioned, TranslationMarked):
    """A publication listed under "Materiały o klastrach"."""

    title = models.CharField(_("title"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
        help_text=_(
            "The report's file from the documents library; linked instead of the "
            "address when given."
        ),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return self.title or self.key


class SearchSynonym(models.Model):
    """Terms the directory search treats as one: a search for any finds the others
    (cms/search.py `Query`)."""

    terms = models.TextField(
        _("equivalent terms"),
        help_text=_(
            "One term per line: a word, an acronym or a phrase, in Polish or "
            "English. A search for any of them also finds the others, at once."
        ),
    )

    class Meta:
        ordering = ["terms"]
        verbose_name = _("search synonyms")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return " ↔ ".join(self.phrases())

    def clean(self):
        if len(self.phrases()) < 2:
            raise ValidationError(
                {"terms": _("List at least two terms, one per line.")}
            )

    def phrases(self) -> list[str]:
        return [line.strip() for line in self.terms.splitlines() if line.strip()]
