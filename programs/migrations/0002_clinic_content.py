"""The clinic's first published content: the hamstring article, the exercise library,
its sources, and two runner plans. A data migration so that production has it too."""

from django.db import migrations
from django.utils import timezone

REFERENCES = {
    "petersen-2011": dict(
        short_name="Petersen et al. 2011",
        citation=(
            "Petersen J, Thorborg K, Nielsen MB, Budtz-Jørgensen E, Hölmich P. Preventive "
            "effect of eccentric training on acute hamstring injuries in men's soccer: a "
            "cluster-randomized controlled trial. American Journal of Sports Medicine. "
            "2011;39(11):2296-2303."
        ),
        doi="10.1177/0363546511419277",
    ),
    "van-dyk-2019": dict(
        short_name="van Dyk, Behan and Whiteley 2019",
        citation=(
            "van Dyk N, Behan FP, Whiteley R. Including the Nordic hamstring exercise in injury "
            "prevention programmes halves the rate of hamstring injuries: a systematic review "
            "and meta-analysis of 8459 athletes. British Journal of Sports Medicine. "
            "2019;53(21):1362-1370."
        ),
        doi="10.1136/bjsports-2018-100045",
    ),
    "bandy-1997": dict(
        short_name="Bandy et al. 1997",
        citation=(
            "Bandy WD, Irion JM, Briggler M. The effect of time and frequency of static "
            "stretching on flexibility of the hamstring muscles. Physical Therapy. "
            "1997;77(10):1090-1096."
        ),
        doi="10.1093/ptj/77.10.1090",
    ),
}

MUSCLES = {"hamstrings": "Hamstrings", "glutes": "Glutes", "core": "Core"}
EQUIPMENT = {
    "bench-or-chair": "Bench or chair",
    "partner-or-fixed-bar": "Partner or fixed bar",
    "mat": "Mat or knee pad",
    "dumbbell": "Dumbbell or kettlebell (optional)",
    "sliders": "Sliders or a towel",
}

EXERCISES = [
    dict(
        slug="hamstring-stretch",
        name="Seated or standing hamstring stretch",
        summary=(
            "An oldie but a goodie. A gentle stretch for the back of the thigh that needs "
            "nothing more than a bench or a chair."
        ),
        category="stretch",
        level="beginner",
        steps="""Rest one heel on a bench or chair, with that leg straight.
Sit or stand tall, with your hands resting on your thigh.
Fold forward from your hips, bringing your chest towards your toes, until you feel a stretch along the back of the thigh.
Breathe out slowly. As you do, let yourself fold a little further.
Hold for 5 to 10 seconds, then relax.
Repeat 5 to 8 times, depending on how tight you feel, then change legs.""",
        coaching_cues="""Lead with your chest, not your head.
Keep your back long rather than rounded.
A long, slow breath out is your cue to ease a little deeper.
You should feel a stretch, never pain.""",
        common_mistakes="""Rounding the lower back to reach further.
Bending the knee of the leg you are stretching.
Bouncing into the stretch.
Holding your breath.""",
        default_reps="5-8",
        default_hold_seconds=5,
        default_hold_seconds_max=10,
        per_side=True,
        evidence=(
            "In a study by Bandy et al. (1997), holding a static hamstring stretch for 30 "
            "seconds, 5 days a week for 6 weeks, improved range of motion. Holding it for 60 "
            "seconds, or stretching three times a day, added nothing more. Our shorter, "
            "repeated holds are an easy way to begin; your physio can tell you whether longer "
            "holds suit you."
        ),
        safety_note=(
            "Stop if you feel sharp pain, or pins and needles or numbness down the leg, and "
            "tell your physio."
        ),
        muscles=["hamstrings"],
        equipment=["bench-or-chair"],
        references=["bandy-1997"],
    ),
    dict(
        slug="nordic-hamstring-curl",
        name="Nordic hamstring curl",
        summary=(
            "“Nordics”: you lower yourself forward from kneeling as slowly as you can, and "
            "your hamstrings do the braking. The exercise in the research we cite below."
        ),
        category="eccentric",
        level="intermediate",
        steps="""Kneel on a mat or cushion, upright, with knees, hips and shoulders in one line.
Have a partner hold your heels down firmly, or hook your ankles under a fixed bar.
Keep your hands in front of your chest, ready to catch yourself.
Lower your body forward as slowly as you can, resisting the fall for as long as possible.
When you can no longer hold it, land on your hands.
Push back up with your hands, so that your hamstrings do as little of the lifting as possible, and reset.""",
        coaching_cues="""Keep your hips pushed forward: knees, hips and shoulders stay in a line.
Fight the fall all the way down.
Slow is the point: the lowering does the work.""",
        common_mistakes="""Bending at the hips to stay up longer.
Dropping quickly after the first few centimetres.
Pulling yourself back up with your hamstrings instead of pushing off your hands.
Kneeling on a hard floor without padding.""",
        default_sets=2,
        default_reps="5",
        evidence=(
            "Nordics are the exercise in the 10-week programme of Petersen et al. (2011), "
            "which our Nordic plan follows. A 2019 review by van Dyk, Behan and Whiteley, "
            "pooling 15 studies and 8,459 athletes, found that programmes including the "
            "Nordic hamstring exercise reduced hamstring injuries by up to about 51% (a risk "
            "ratio of 0.49). Those athletes played football, rugby, baseball and Australian "
            "football: none of the studies was in runners, so we cannot promise runners the "
            "same figure."
        ),
        safety_note=(
            "Pad your knees. Build up the way the plan does rather than doing more sooner. "
            "If you have a recent or current hamstring strain, wait until your physio gives "
            "you the go-ahead."
        ),
        muscles=["hamstrings"],
        equipment=["partner-or-fixed-bar", "mat"],
        references=["petersen-2011", "van-dyk-2019"],
    ),
    dict(
        slug="single-leg-romanian-deadlift",
        name="Single-leg Romanian deadlift",
        summary=(
            "A hip hinge on one leg: strength for the hamstrings and glutes, with balance "
            "practice thrown in."
        ),
        category="strength",
        level="intermediate",
        steps="""Stand on one leg with a soft bend in the knee. Hold a light weight in the opposite hand if you use one.
Hinge forward from the hip, letting your free leg travel back behind you in line with your body.
Lower until you feel a stretch in the back of the standing thigh, keeping your back flat.
Drive through your standing heel and squeeze your glutes to come back up tall.
Finish all the reps, then change legs.""",
        coaching_cues="""Keep your hips square to the floor.
Reach back with your heel rather than down with your hands.
Touch a wall or a chair for balance if you need to.""",
        common_mistakes="""Letting the hips twist open as the leg lifts.
Rounding the back to reach lower.
Locking the standing knee straight.""",
        default_sets=3,
        default_reps="8",
        default_rest_seconds=60,
        per_side=True,
        safety_note="Start without a weight until you can balance through every rep.",
        muscles=["hamstrings", "glutes"],
        equipment=["dumbbell"],
        references=[],
    ),
    dict(
        slug="glute-hamstring-bridge",
        name="Glute and hamstring bridge",
        summary=(
            "A bridge with your heels a little further away than usual, so the hamstrings "
            "share the work with the glutes. A good first strength exercise."
        ),
        category="strength",
        level="beginner",
        steps="""Lie on your back with your knees bent and your heels on the floor, a little further from your hips than for an ordinary bridge.
Press your heels into the floor and lift your hips until your knees, hips and shoulders are in a line.
Pause for a breath at the top.
Lower slowly back to the floor.""",
        coaching_cues="""Push through your heels, not your toes.
Keep your ribs down, so the lift comes from your hips and not your lower back.
Lower more slowly than you lift.""",
        common_mistakes="""Arching the lower back at the top.
Pushing through the toes.
Rushing the reps.""",
        default_sets=3,
        default_reps="10",
        default_rest_seconds=60,
        safety_note="If you feel cramp in the hamstrings, bring your heels a little closer.",
        muscles=["hamstrings", "glutes"],
        equipment=["mat"],
        references=[],
    ),
    dict(
        slug="hamstring-slider-curl",
        name="Hamstring slider curl",
        summary=(
            "From a bridge, slide your heels away and pull them back: hamstring strength at "
            "home with sliders or a towel on a smooth floor."
        ),
        category="strength",
        level="intermediate",
        steps="""Lie on your back with your heels on sliders, or on a towel on a smooth floor, knees bent.
Lift your hips into a bridge.
Keeping your hips up, slowly slide your heels away until your legs are nearly straight.
Pull your heels back towards you, still keeping your hips lifted.""",
        coaching_cues="""Hips stay high throughout.
Slide out slowly; pull back with control.""",
        common_mistakes="""Letting the hips sag as the legs straighten.
Going further than you can control.""",
        default_sets=3,
        default_reps="8",
        default_rest_seconds=60,
        safety_note="Start with a short slide and lengthen it as you get stronger.",
        muscles=["hamstrings", "glutes", "core"],
        equipment=["sliders", "mat"],
        references=[],
    ),
]

# (exercise, easier, harder)
VARIATIONS = [
    ("glute-hamstring-bridge", None, "hamstring-slider-curl"),
    ("hamstring-slider-curl", "glute-hamstring-bridge", "nordic-hamstring-curl"),
    ("nordic-hamstring-curl", "hamstring-slider-curl", None),
    ("single-leg-romanian-deadlift", "glute-hamstring-bridge", None),
]

ARTICLE_BODY = """\
Every runner uses their hamstrings on every stride, whether they think about them or not.

There are two good reasons to make your hamstrings stronger. The first is to stay clear of \
injury. The second is your general health and strength as a runner, and it may help your \
speed too, although that part is less certain.

## What your hamstrings do on a run

The hamstrings run down the back of your thigh. During every stride they lengthen and \
contract at the same time. One stride asks little of them, but an ordinary run repeats it \
thousands of times, and that load adds up. Strength is what lets the muscle take it.

## What the research shows

Research shows that hamstring exercise lowers the rate of hamstring strains, and of strains \
coming back after an injury.

A 2019 review by van Dyk, Behan and Whiteley pooled 15 studies and 8,459 athletes. \
Programmes that included the Nordic hamstring exercise reduced hamstring injuries by up to \
about 51% (a risk ratio of 0.49). To be straight with you: those athletes played football, \
rugby, baseball and Australian football. None of the studies was in runners, so we cannot \
promise you the same figure.

Will stronger hamstrings make you faster? The evidence is inconclusive: nobody has shown \
that hamstring strength on its own does. What we can say is that stronger muscles cope \
better with training, and fast running is often what leaves hamstrings sore.

## How strength helps

### Running efficiency

Your hamstrings help generate power as you push off. Strength and mobility both matter for \
your stride length.

### Injury prevention

Weakness or imbalance raises the risk of injury: one leg weaker than the other, or \
hamstrings that are weak compared with the quadriceps on the front of your thigh.

### Knee stability

The hamstrings cross both the hip and the knee, so they help keep the knee steady, above all \
when you slow down or change direction.

### Stride length and power

The hamstrings extend your hip, driving the leg back behind you. Stronger hamstrings put \
more force into push-off.

## Strength is not the whole story

Keep balance and flexibility in your lower body too, and train your quadriceps, glutes and \
core alongside your hamstrings.

## Where to start

- New to strength work? Our [beginner hamstring plan](/plans/beginner-hamstring-strength/) \
takes two short sessions a week for six weeks.
- Already doing some strength work? Our [Nordic hamstring programme](/plans/nordic-hamstring-programme/) \
follows the 10-week programme of Petersen et al. (2011), building from one session in the \
first week to three a week.
- Tight hamstrings? The [hamstring stretch](/exercises/hamstring-stretch/) takes a minute.

## Come and see us

If your hamstrings keep niggling, or you are coming back from a strain, book an appointment \
with one of our physios. We will look at how you run and move, and build a plan that fits \
around your training.
"""

BEGINNER_DESCRIPTION = """\
Six weeks, two short sessions a week. Each session has three exercises, so it fits around \
your running rather than taking it over.

Do the sessions on easy days or rest days, not straight before a hard run. Move steadily \
and stop a set early rather than lose good form.

You start with bridges and single-leg deadlifts, and add slider curls in week 4. By the end \
you are ready for our Nordic hamstring programme.
"""

NORDIC_DESCRIPTION = """\
This plan follows the Nordic hamstring programme of Petersen et al. (2011), from a trial in \
football players: 27 sessions over 10 weeks. You start with a single short session, build \
to three sessions a week by week 3, and spend weeks 5 to 10 on three sets of 12, 10 and 8 \
reps.

**How to do a Nordic.** A partner holds your heels. Resist the fall forward for as long as \
you possibly can, land on your hands, and push back up so that the lifting part for your \
hamstrings is small. Pad your knees.

**After week 10.** Keep what you have built with one maintenance session a week of three \
sets of 12, 10 and 8 reps.

Rest between sets for as long as you need to do each rep well.
"""


def _beginner_weeks():
    """(phase, notes, sessions) per week; each session is a list of prescriptions."""
    stretch = dict(
        exercise="hamstring-stretch",
        sets=1,
        reps="5-8",
        hold_seconds=10,
        per_side=True,
        notes="Fold a little further on each breath out.",
    )

    def bridge(sets, reps):
        return dict(exercise="glute-hamstring-bridge", sets=sets, reps=reps, rest_seconds=60)

    def rdl(sets, reps, notes=""):
        return dict(
            exercise="single-leg-romanian-deadlift",
            sets=sets,
            reps=reps,
            rest_seconds=60,
            per_side=True,
            notes=notes,
        )

    def slider(sets, reps):
        return dict(
            exercise="hamstring-slider-curl",
            sets=sets,
            reps=reps,
            rest_seconds=60,
            notes="Slide out slowly, for a count of three.",
        )

    return [
        (
            "introduction",
            "Learn the movements. Finish each set feeling you had a few reps left.",
            [bridge(2, "10"), rdl(2, "8", "No weight yet."), stretch],
        ),
        (
            "build",
            "One more set of each strength exercise.",
            [bridge(3, "10"), rdl(3, "8", "No weight yet."), stretch],
        ),
        (
            "build",
            "A couple more reps per set.",
            [
                bridge(3, "12"),
                rdl(3, "10", "Add a light weight if your balance is steady."),
                stretch,
            ],
        ),
        (
            "build",
            "Slider curls replace bridges. Start with a short slide.",
            [slider(2, "6"), rdl(3, "10"), stretch],
        ),
        ("build", "A third set of slider curls.", [slider(3, "6"), rdl(3, "10"), stretch]),
        (
            "build",
            "Last week. Next step: our Nordic hamstring programme.",
            [slider(3, "8"), rdl(3, "10"), stretch],
        ),
    ]


BEGINNER_DAYS = [1, 4]  # Tuesday and Friday

# Petersen et al. 2011: (sessions that week, sets, reps per set), weeks 1 to 10.
NORDIC_PROTOCOL = [(1, 2, "5"), (2, 2, "6"), (3, 3, "6-8"), (3, 3, "8-10")] + [
    (3, 3, "12/10/8")
] * 6
NORDIC_DAYS = {1: [2], 2: [0, 3], 3: [0, 2, 4]}  # Wednesday; Monday and Thursday; Mon, Wed, Fri
NORDIC_NOTES = {
    1: "One session to learn the movement.",
    2: "Two sessions, a few days apart.",
    3: "Three sessions a week from now on.",
    4: "Aim for the top of the rep range when you can keep the lowering slow.",
    5: "Three sets of 12, 10 and 8 reps from here to week 10.",
    10: "Last week of the programme. Then one maintenance session a week.",
}


def add_content(apps, schema_editor):
    Reference = apps.get_model("programs", "Reference")
    Muscle = apps.get_model("programs", "Muscle")
    Equipment = apps.get_model("programs", "Equipment")
    Tag = apps.get_model("programs", "Tag")
    Exercise = apps.get_model("programs", "Exercise")
    Article = apps.get_model("programs", "Article")
    Plan = apps.get_model("programs", "Plan")
    PlanWeek = apps.get_model("programs", "PlanWeek")
    Session = apps.get_model("programs", "Session")
    Prescription = apps.get_model("programs", "Prescription")

    references = {key: Reference.objects.create(**fields) for key, fields in REFERENCES.items()}
    muscles = {slug: Muscle.objects.create(slug=slug, name=name) for slug, name in MUSCLES.items()}
    equipment = {
        slug: Equipment.objects.create(slug=slug, name=name) for slug, name in EQUIPMENT.items()
    }

    exercises = {}
    for data in EXERCISES:
        data = dict(data)
        muscle_slugs = data.pop("muscles")
        equipment_slugs = data.pop("equipment")
        reference_keys = data.pop("references")
        exercise = Exercise.objects.create(**data)
        exercise.target_muscles.set([muscles[s] for s in muscle_slugs])
        exercise.equipment.set([equipment[s] for s in equipment_slugs])
        exercise.references.set([references[k] for k in reference_keys])
        exercises[exercise.slug] = exercise
    for slug, easier, harder in VARIATIONS:
        Exercise.objects.filter(slug=slug).update(
            easier_variation=exercises.get(easier), harder_variation=exercises.get(harder)
        )

    def add_prescriptions(session, prescriptions):
        for order, data in enumerate(prescriptions, start=1):
            data = dict(data)
            Prescription.objects.create(
                session=session, order=order, exercise=exercises[data.pop("exercise")], **data
            )

    beginner = Plan.objects.create(
        slug="beginner-hamstring-strength",
        title="Beginner hamstring strength for runners",
        summary=(
            "Two short sessions a week for six weeks: bridges, single-leg deadlifts and a "
            "stretch, building up to slider curls."
        ),
        audience=(
            "Runners who are new to strength work, or coming back to it, and have no "
            "hamstring injury right now. If something hurts today, see a physio first."
        ),
        level="beginner",
        duration_weeks=6,
        sessions_per_week=2,
        equipment=(
            "A mat, a bench or chair, and sliders or a towel from week 4. A light dumbbell "
            "is optional."
        ),
        description=BEGINNER_DESCRIPTION,
        is_published=True,
        is_featured=True,
    )
    for number, (phase, notes, prescriptions) in enumerate(_beginner_weeks(), start=1):
        week = PlanWeek.objects.create(plan=beginner, number=number, phase=phase, notes=notes)
        for index, day in enumerate(BEGINNER_DAYS, start=1):
            session = Session.objects.create(
                week=week, day_of_week=day, title=f"Hamstring strength {index}"
            )
            add_prescriptions(session, prescriptions)

    nordic = Plan.objects.create(
        slug="nordic-hamstring-programme",
        title="Nordic hamstring programme (10 weeks)",
        summary=(
            "The 10-week Nordic hamstring programme of Petersen et al. (2011): 27 short "
            "sessions, building from one a week to three."
        ),
        audience=(
            "Runners who already do some strength work and want more robust hamstrings. Not "
            "for a recent or current hamstring strain without your physio's go-ahead."
        ),
        level="intermediate",
        duration_weeks=10,
        sessions_per_week=3,
        equipment=(
            "A partner to hold your heels, or a fixed bar to hook them under, and a mat or "
            "cushion for your knees."
        ),
        description=NORDIC_DESCRIPTION,
        is_published=True,
    )
    for number, (sessions, sets, reps) in enumerate(NORDIC_PROTOCOL, start=1):
        week = PlanWeek.objects.create(
            plan=nordic,
            number=number,
            phase="introduction" if number == 1 else "build",
            notes=NORDIC_NOTES.get(number, ""),
        )
        week.references.set([references["petersen-2011"]])
        for index, day in enumerate(NORDIC_DAYS[sessions], start=1):
            session = Session.objects.create(
                week=week, day_of_week=day, title=f"Nordics, session {index} of {sessions}"
            )
            add_prescriptions(
                session,
                [
                    dict(
                        exercise="nordic-hamstring-curl",
                        sets=sets,
                        reps=reps,
                        notes="Lower as slowly as you can; push back up with your hands.",
                    )
                ],
            )

    tags = {
        slug: Tag.objects.create(slug=slug, name=name)
        for slug, name in [
            ("hamstrings", "Hamstrings"),
            ("injury-prevention", "Injury prevention"),
            ("strength-training", "Strength training"),
        ]
    }
    article = Article.objects.create(
        slug="why-hamstring-strength-matters-for-runners",
        title="Why hamstring strength matters for runners",
        summary=(
            "Strong hamstrings help keep runners running. What they do on every stride, what "
            "the research does and does not show, and where to start."
        ),
        body=ARTICLE_BODY,
        author="The physio team at Physio and Fitness Clinic",
        status="published",
        published_at=timezone.now(),
        seo_title="Why hamstring strength matters for runners",
        seo_description=(
            "Why runners need strong hamstrings: injury prevention, knee stability and "
            "push-off, what the research shows, and how to start."
        ),
    )
    article.tags.set(tags.values())
    article.related_exercises.set(
        [exercises["nordic-hamstring-curl"], exercises["hamstring-stretch"]]
    )
    article.related_plans.set([beginner, nordic])
    article.references.set([references["van-dyk-2019"], references["petersen-2011"]])


def remove_content(apps, schema_editor):
    # Plain DELETEs, children first: the deletion collector trips over historical models.
    def table(model_name, m2m=None):
        model = apps.get_model("programs", model_name)
        if m2m:
            model = model._meta.get_field(m2m).remote_field.through
        return schema_editor.quote_name(model._meta.db_table)

    tables = [
        table("Article", "tags"),
        table("Article", "related_exercises"),
        table("Article", "related_plans"),
        table("Article", "references"),
        table("Article"),
        table("Prescription"),
        table("Session"),
        table("PlanWeek", "references"),
        table("PlanWeek"),
        table("Plan"),
        table("Exercise", "target_muscles"),
        table("Exercise", "equipment"),
        table("Exercise", "references"),
    ]
    exercises = table("Exercise")
    schema_editor.execute(
        f"UPDATE {exercises} SET easier_variation_id = NULL, harder_variation_id = NULL"  # noqa: S608
    )
    tables += [table(name) for name in ["Exercise", "Reference", "Tag", "Muscle", "Equipment"]]
    for name in tables:
        schema_editor.execute(f"DELETE FROM {name}")  # noqa: S608 (table names from models)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(add_content, remove_content)]
