"""The second round of the clinic's content: a drawing for every exercise, a fuller library
(glutes, quadriceps, calves, core, balance, flexibility and Askling's lengthening
exercises), two more plans, effort targets, topics, and three more articles.

Safe to run on a database that already holds content: everything is found by its slug
(references by DOI) and created only when missing; drawings, alt text and topics are
added to the first exercises only where staff have not set their own.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

REFERENCES = {
    "askling-2013": dict(
        short_name="Askling, Tengvar and Thorstensson 2013",
        citation=(
            "Askling CM, Tengvar M, Thorstensson A. Acute hamstring injuries in Swedish elite "
            "football: a prospective randomised controlled clinical trial comparing two "
            "rehabilitation protocols. British Journal of Sports Medicine. "
            "2013;47(15):953-959."
        ),
        doi="10.1136/bjsports-2013-092165",
    ),
    "askling-2014": dict(
        short_name="Askling et al. 2014",
        citation=(
            "Askling CM, Tengvar M, Tarassova O, Thorstensson A. Acute hamstring injuries in "
            "Swedish elite sprinters and jumpers: a prospective randomised controlled "
            "clinical trial comparing two rehabilitation protocols. British Journal of Sports "
            "Medicine. 2014;48(7):532-539."
        ),
        doi="10.1136/bjsports-2013-093214",
    ),
}
# Already shipped by 0002; looked up by DOI.
EXISTING_REFERENCES = {
    "petersen-2011": "10.1177/0363546511419277",
    "van-dyk-2019": "10.1136/bjsports-2018-100045",
    "bandy-1997": "10.1093/ptj/77.10.1090",
}

TAGS = {
    "hamstrings": "Hamstrings",
    "injury-prevention": "Injury prevention",
    "strength-training": "Strength training",
    "glutes": "Glutes",
    "quadriceps": "Quadriceps",
    "calves": "Calves",
    "core": "Core",
    "balance": "Balance",
    "flexibility": "Flexibility",
    "hamstring-strain": "Hamstring strain",
}
MUSCLES = {
    "hamstrings": "Hamstrings",
    "glutes": "Glutes",
    "core": "Core",
    "quadriceps": "Quadriceps",
    "calves": "Calves",
    "hip-flexors": "Hip flexors",
}
EQUIPMENT = {
    "mat": "Mat or knee pad",
    "sliders": "Sliders or a towel",
    "dumbbell": "Dumbbell or kettlebell (optional)",
    "step": "A step or stair",
    "wall": "A wall",
    "support": "Something to hold: a chair back, rail or wall",
}

# The first five exercises: their drawing, what it shows, and their topics.
FIRST_EXERCISES = {
    "hamstring-stretch": dict(
        illustration_alt=(
            "Start: standing on one leg with the other heel resting on a bench, that leg "
            "straight, back upright. End: the body folds forward from the hips over the "
            "straight leg, chest towards the toes, back long."
        ),
        tags=["hamstrings", "flexibility"],
    ),
    "nordic-hamstring-curl": dict(
        illustration_alt=(
            "Start: kneeling upright on a pad, heels held down under a bar, hands in front "
            "of the chest. End: the body, straight from knees to head, has lowered slowly "
            "forward and the hands catch it on the floor."
        ),
        tags=["hamstrings", "injury-prevention", "strength-training"],
    ),
    "single-leg-romanian-deadlift": dict(
        illustration_alt=(
            "Start: standing tall on one leg, a weight in the opposite hand. End: hinged "
            "forward at the hip until the back is level with the floor, the free leg "
            "reaching straight back in line with the body, the weight hanging below the "
            "shoulder."
        ),
        tags=["hamstrings", "glutes", "balance", "strength-training"],
    ),
    "glute-hamstring-bridge": dict(
        illustration_alt=(
            "Start: lying on the back, knees bent, heels on the floor, arms by the sides. "
            "End: the hips lifted until knees, hips and shoulders make a straight line."
        ),
        tags=["hamstrings", "glutes", "strength-training"],
    ),
    "hamstring-slider-curl": dict(
        illustration_alt=(
            "Start: lying on the back with the hips lifted in a bridge, heels on a slider, "
            "knees bent. End: the heels have slid away until the legs are nearly straight, "
            "with the hips still lifted."
        ),
        tags=["hamstrings", "glutes", "core", "strength-training"],
    ),
}

# New exercises. Askling's three follow Askling, Tengvar and Thorstensson (2013).
EXERCISES = [
    dict(
        slug="askling-extender",
        name="The Extender (Askling lengthening exercise)",
        summary=(
            "Lying on your back, you hold your thigh up and slowly straighten the knee: the "
            "first of the three lengthening exercises for coming back from a hamstring strain."
        ),
        category="mobility",
        level="beginner",
        steps="""Lie on your back with the other leg straight on the floor.
Bend the hip of your injured leg to about 90 degrees, so the thigh points up, and hold it there with both hands behind the thigh.
Slowly straighten the knee, lifting your foot towards the ceiling.
Stop short of any pain, then bend the knee again slowly.
Keep the thigh still throughout: only the knee moves.""",
        coaching_cues="""The thigh stays where your hands hold it.
Move slowly and smoothly, never with a swing or a kick.
Stop a little before it hurts, not at the point of pain.""",
        common_mistakes="""Letting the thigh drop away from 90 degrees to straighten the knee further.
Kicking the foot up quickly.
Pushing into pain to get the knee straight.""",
        default_sets=3,
        default_reps="12",
        per_side=False,
        evidence=(
            "The Extender is one of the three exercises of the lengthening protocol that "
            "Askling, Tengvar and Thorstensson (2013) compared with a conventional one in 75 "
            "Swedish elite footballers with an acute hamstring injury confirmed on MRI: time "
            "back to full team training was shorter with the lengthening exercises. In their "
            "protocol it was done twice a day, 3 sets of 12. A second trial by the same "
            "group (2014), in 56 elite sprinters and jumpers, found on average 49 days back "
            "with the lengthening protocol against 86 with the conventional one."
        ),
        safety_note=(
            "After a hamstring injury, start only with your physio's go-ahead, and only do it "
            "when it causes no pain."
        ),
        muscles=["hamstrings"],
        equipment=["mat"],
        references=["askling-2013", "askling-2014"],
        tags=["hamstrings", "hamstring-strain", "flexibility"],
        illustration_alt=(
            "Start: lying on the back, one hip bent to 90 degrees with the thigh held in "
            "both hands and the knee bent. End: the knee has straightened slowly so the foot "
            "points up at the ceiling, the thigh still held in place."
        ),
    ),
    dict(
        slug="askling-diver",
        name="The Diver (Askling lengthening exercise)",
        summary=(
            "Standing on the injured leg, you lean forward from the hip with your arms "
            "reaching ahead while the other leg lifts behind: the second lengthening exercise."
        ),
        category="strength",
        level="intermediate",
        steps="""Stand on your injured leg with the knee slightly bent.
Reach both arms forward as you lean your trunk forward from the hip of the standing leg.
Let the other leg lift behind you, so that arms, trunk and lifted leg make one long line.
Go as far as you can without pain, keeping the bend in the standing knee.
Come back up slowly to standing.""",
        coaching_cues="""The movement comes from the hip of the standing leg.
Keep a small, steady bend in the standing knee.
Reach long with the arms and the lifted leg at the same time.""",
        common_mistakes="""Rounding the back instead of hinging at the hip.
Straightening the standing knee completely.
Dropping forward quickly instead of lowering with control.""",
        default_sets=3,
        default_reps="6",
        evidence=(
            "The Diver is one of the three exercises of the lengthening protocol of Askling, "
            "Tengvar and Thorstensson (2013); in that protocol it was done every other day, "
            "3 sets of 6."
        ),
        safety_note=(
            "After a hamstring injury, start only with your physio's go-ahead, and only do it "
            "when it causes no pain. Have a wall or chair within reach for balance."
        ),
        muscles=["hamstrings", "glutes"],
        equipment=[],
        references=["askling-2013"],
        tags=["hamstrings", "hamstring-strain", "balance"],
        illustration_alt=(
            "Start: standing on one leg, arms by the sides. End: the trunk leans forward "
            "from the hip of the standing leg, arms reaching ahead and the other leg lifted "
            "behind, making one long line, with the standing knee slightly bent."
        ),
    ),
    dict(
        slug="askling-glider",
        name="The Glider (Askling lengthening exercise)",
        summary=(
            "Holding a support, one leg slides back along a slippery floor while the other "
            "takes your weight; then you pull yourself back with your arms. The third "
            "lengthening exercise."
        ),
        category="eccentric",
        level="intermediate",
        steps="""Stand holding a support, such as a chair back or a rail, with your weight on the injured leg and the other foot on a slider or a towel on a smooth floor.
Keep the standing knee slightly bent and your trunk upright.
Slowly slide the other leg backwards, letting the standing leg take your weight as you go down.
Go only as far as you can without pain.
Pull yourself back to the start with your arms, not with the legs.""",
        coaching_cues="""The standing leg controls the slide; the arms bring you back.
Slide slowly and keep the movement smooth.
Keep your hips facing forward.""",
        common_mistakes="""Sliding out faster or further than you can control.
Using the legs to come back up instead of the arms.
Letting go of the support.""",
        default_sets=3,
        default_reps="4",
        evidence=(
            "The Glider is one of the three exercises of the lengthening protocol of Askling, "
            "Tengvar and Thorstensson (2013); in that protocol it was done every third day, "
            "3 sets of 4."
        ),
        safety_note=(
            "After a hamstring injury, start only with your physio's go-ahead, and only do it "
            "when it causes no pain. Start with a short slide."
        ),
        muscles=["hamstrings", "glutes"],
        equipment=["sliders", "support"],
        references=["askling-2013"],
        tags=["hamstrings", "hamstring-strain"],
        illustration_alt=(
            "Start: standing upright holding a rail, feet together, one foot on a slider. "
            "End: that leg has slid far back along the floor while the standing knee bends "
            "to take the weight, hands still on the rail."
        ),
    ),
    dict(
        slug="single-leg-glute-bridge",
        name="Single-leg glute bridge",
        summary=(
            "A bridge on one leg, the other held straight: more work for the glutes and "
            "hamstrings of the leg on the floor, and for keeping the hips level."
        ),
        category="strength",
        level="intermediate",
        steps="""Lie on your back with one knee bent and that heel on the floor.
Straighten the other leg, holding it in line with the bent leg's thigh.
Press through the heel on the floor and lift your hips until knee, hip and shoulder are in a line.
Pause for a breath at the top, hips level.
Lower slowly, then repeat; finish the set before changing legs.""",
        coaching_cues="""Keep both hips at the same height all the way up.
Push through the heel, not the toes.
Lower more slowly than you lift.""",
        common_mistakes="""Letting the hip of the lifted leg drop.
Arching the lower back at the top.
Rushing the reps.""",
        default_sets=3,
        default_reps="8",
        default_rest_seconds=60,
        per_side=True,
        safety_note="If you feel cramp in the hamstrings, bring the heel a little closer.",
        muscles=["glutes", "hamstrings"],
        equipment=["mat"],
        references=[],
        tags=["glutes", "hamstrings", "strength-training"],
        illustration_alt=(
            "Start: lying on the back, one knee bent with the heel on the floor, the other "
            "leg held straight. End: the hips lifted into a straight line from shoulder to "
            "knee, the free leg still straight and in line with the body."
        ),
    ),
    dict(
        slug="split-squat",
        name="Split squat",
        summary=(
            "One foot forward, one back, and you lower straight down: strength for the "
            "quadriceps and glutes, one leg at a time."
        ),
        category="strength",
        level="beginner",
        steps="""Stand in a long stride, front foot flat, back foot on its toes.
Keep your trunk upright and your weight mostly on the front foot.
Bend both knees to lower straight down until the back knee is just above the floor.
Push through the front foot to come back up.
Finish the set, then change legs.""",
        coaching_cues="""Down and up like a lift, not forward and back.
The front knee travels in line with the toes.
Keep your chest tall.""",
        common_mistakes="""A stance so short that the front heel lifts.
The front knee falling inwards.
Bouncing the back knee off the floor.""",
        default_sets=3,
        default_reps="8",
        default_rest_seconds=60,
        per_side=True,
        safety_note="Hold a wall or chair for balance at first if you need to.",
        muscles=["quadriceps", "glutes"],
        equipment=[],
        references=[],
        tags=["quadriceps", "glutes", "strength-training"],
        illustration_alt=(
            "Start: standing tall in a long stride, front foot flat, back foot on its toes. "
            "End: both knees bent and the body lowered straight down, the back knee just "
            "above the floor, the trunk upright."
        ),
    ),
    dict(
        slug="step-up",
        name="Step-up",
        summary=(
            "Step up onto a stair or a sturdy step and stand tall on it: quadriceps and "
            "glute strength that looks a lot like running uphill."
        ),
        category="strength",
        level="beginner",
        steps="""Stand facing a stair or a sturdy step, and place one whole foot on it.
Lean slightly forward and push through that foot to stand up tall on the step.
Bring the other knee up in front of you as you reach the top.
Step back down slowly with the other leg, keeping the first foot on the step.
Finish the set, then change legs.""",
        coaching_cues="""Let the leg on the step do the work; do not push off the floor.
Keep the knee on the step in line with the toes.
Lower yourself slowly on the way down.""",
        common_mistakes="""Springing up off the back foot.
A step so high that the hip drops or twists.
Letting the knee fall inwards.""",
        default_sets=3,
        default_reps="8",
        default_rest_seconds=60,
        per_side=True,
        safety_note="Use a step that cannot slide, and a rail or wall for balance if you need one.",
        muscles=["quadriceps", "glutes"],
        equipment=["step"],
        references=[],
        tags=["quadriceps", "glutes", "strength-training"],
        illustration_alt=(
            "Start: one foot on a low step, the other on the floor, trunk leaning a little "
            "forward. End: standing tall on the step on one leg, the other knee lifted in "
            "front."
        ),
    ),
    dict(
        slug="wall-sit",
        name="Wall sit",
        summary=(
            "Slide down a wall until your thighs are level and hold: a simple, steady load "
            "for the quadriceps. The easier step before split squats."
        ),
        category="strength",
        level="beginner",
        steps="""Stand with your back against a wall, feet a short step away from it and hip-width apart.
Slide your back down the wall, bending your knees.
Stop when your thighs are level with the floor, or higher if that is enough.
Hold, breathing steadily.
Slide back up to stand.""",
        coaching_cues="""Knees over the ankles, not past the toes.
Back flat against the wall.
Keep breathing; do not hold your breath.""",
        common_mistakes="""Feet too close to the wall, so the knees push forward.
Knees falling inwards.
Going lower than is comfortable for your knees.""",
        default_sets=3,
        default_hold_seconds=20,
        default_hold_seconds_max=40,
        default_rest_seconds=60,
        safety_note="Stop higher up the wall if your knees ache.",
        muscles=["quadriceps"],
        equipment=["wall"],
        references=[],
        tags=["quadriceps", "strength-training"],
        illustration_alt=(
            "Start: standing with the back against a wall, feet a short step forward. End: "
            "the back has slid down the wall until the thighs are level with the floor, "
            "knees bent at a right angle above the ankles."
        ),
    ),
    dict(
        slug="calf-raise",
        name="Calf raise",
        summary=(
            "Rise onto your toes and lower slowly: strength for the calves, which take a "
            "large share of every running stride."
        ),
        category="strength",
        level="beginner",
        steps="""Stand tall with your feet hip-width apart, a wall or chair within reach.
Rise onto the balls of your feet as high as you can.
Pause at the top.
Lower your heels slowly to the floor.""",
        coaching_cues="""Up in one second, down in three.
Keep your weight over the big toe and second toe.
Stand tall; do not lean forward.""",
        common_mistakes="""Bouncing at the bottom.
Rolling out onto the little toes.
Rushing the lowering.""",
        default_sets=3,
        default_reps="15",
        default_rest_seconds=45,
        muscles=["calves"],
        equipment=[],
        references=[],
        tags=["calves", "strength-training"],
        illustration_alt=(
            "Start: standing tall with the feet flat on the floor. End: the whole body "
            "rises as the heels lift and the weight goes onto the balls of the feet."
        ),
    ),
    dict(
        slug="single-leg-calf-raise",
        name="Single-leg calf raise on a step",
        summary=(
            "A calf raise on one leg, heel dropping below the edge of a step: the harder "
            "version, with a bigger range."
        ),
        category="strength",
        level="intermediate",
        steps="""Stand on one leg on the edge of a step, the ball of the foot on the step and the heel over the edge.
Hold a rail or the wall lightly for balance.
Let the heel drop slowly below the step.
Rise up onto the ball of the foot as high as you can.
Finish the set, then change legs.""",
        coaching_cues="""Slow on the way down.
Go as high as you can at the top.
Use the rail for balance, not to pull yourself up.""",
        common_mistakes="""Bending the knee to help the lift.
Dropping quickly into the bottom.
Letting the ankle roll outwards.""",
        default_sets=3,
        default_reps="10",
        default_rest_seconds=60,
        per_side=True,
        muscles=["calves"],
        equipment=["step", "support"],
        references=[],
        tags=["calves", "strength-training"],
        illustration_alt=(
            "Start: standing on one leg on the edge of a step, holding a rail, the heel "
            "lowered below the step. End: risen high onto the ball of that foot, the body "
            "lifted, the other foot held behind."
        ),
    ),
    dict(
        slug="front-plank",
        name="Front plank",
        summary=(
            "Hold your body straight on your forearms and toes: a steady core exercise, "
            "with an easier version on your knees."
        ),
        category="strength",
        level="beginner",
        steps="""Lie face down and come up onto your forearms, elbows under your shoulders.
Start on your knees, with knees, hips and shoulders in a line.
When that is easy, lift your knees so that you rest on forearms and toes, body straight from heels to head.
Hold, breathing steadily.
Lower your knees to rest.""",
        coaching_cues="""Squeeze your glutes and draw your ribs down.
A straight line from head to heels.
Keep breathing.""",
        common_mistakes="""Hips sagging towards the floor.
Hips piked up high.
Holding your breath.""",
        default_sets=3,
        default_hold_seconds=20,
        default_hold_seconds_max=40,
        default_rest_seconds=45,
        safety_note="Stay on your knees if your lower back aches in the full plank.",
        muscles=["core"],
        equipment=["mat"],
        references=[],
        tags=["core", "strength-training"],
        illustration_alt=(
            "Start: face down on the forearms and knees, body straight from knees to head. "
            "End: the knees lift off the floor so the body is held straight from the toes "
            "to the head, on forearms and toes."
        ),
    ),
    dict(
        slug="dead-bug",
        name="Dead bug",
        summary=(
            "On your back, arms up and knees bent, you reach one arm and the opposite leg "
            "away while your back stays still: core control without strain."
        ),
        category="strength",
        level="beginner",
        steps="""Lie on your back with your arms pointing at the ceiling and your hips and knees bent to 90 degrees.
Press your lower back gently into the floor.
Slowly reach one arm back overhead and straighten the opposite leg out, just above the floor.
Bring them back to the start.
Repeat with the other arm and leg.""",
        coaching_cues="""Your lower back stays in touch with the floor.
Breathe out as you reach.
Slow is harder, and better.""",
        common_mistakes="""The lower back arching off the floor.
Moving the arm and leg on the same side.
Rushing.""",
        default_sets=3,
        default_reps="8",
        default_rest_seconds=45,
        per_side=True,
        muscles=["core"],
        equipment=["mat"],
        references=[],
        tags=["core", "strength-training"],
        illustration_alt=(
            "Start: lying on the back, arms pointing up, hips and knees bent to right angles. "
            "End: one arm reaches back overhead while the opposite leg straightens out low "
            "over the floor; the other arm and leg stay still."
        ),
    ),
    dict(
        slug="single-leg-balance",
        name="Single-leg balance",
        summary=(
            "Stand on one leg and stay steady: balance practice that every runner can do "
            "while the kettle boils."
        ),
        category="drill",
        level="beginner",
        steps="""Stand tall next to a wall or a chair.
Lift one foot, bringing the knee up in front of you.
Hold, with the standing knee soft and the hips level.
Lower the foot, then change legs.
When it gets easy, try it with your eyes closed, still near the wall.""",
        coaching_cues="""Stand tall, eyes on a point ahead.
Let the foot and ankle make small corrections.
Hips stay level.""",
        common_mistakes="""Locking the standing knee.
Letting the hip of the lifted leg drop.
Holding your breath.""",
        default_sets=3,
        default_hold_seconds=30,
        default_hold_seconds_max=45,
        per_side=True,
        safety_note="Keep a wall or chair within reach, above all with your eyes closed.",
        muscles=["glutes", "calves"],
        equipment=[],
        references=[],
        tags=["balance"],
        illustration_alt=(
            "Start: standing tall on both feet. End: standing on one leg with the other knee "
            "lifted in front to hip height, arms a little away from the body for balance."
        ),
    ),
    dict(
        slug="kneeling-hip-flexor-stretch",
        name="Kneeling hip flexor stretch",
        summary=(
            "Half-kneeling, you ease your hips forward to stretch the front of the back "
            "hip: a stretch for the muscles that lift your knee as you run."
        ),
        category="stretch",
        level="beginner",
        steps="""Kneel on one knee on a cushion, the other foot flat on the floor in front, both knees bent at about 90 degrees.
Tuck your pelvis under a little and squeeze the glute of the kneeling leg.
Ease your hips forward until you feel a stretch at the front of the kneeling hip.
Hold, breathing slowly, then ease back.
Change legs.""",
        coaching_cues="""Tall trunk; do not arch the lower back.
A small movement is enough.
A stretch, never pain.""",
        common_mistakes="""Arching the lower back instead of moving the hips.
Lunging so far that the front knee passes well beyond the toes.
Kneeling on a hard floor.""",
        default_sets=2,
        default_hold_seconds=30,
        per_side=True,
        muscles=["hip-flexors"],
        equipment=["mat"],
        references=[],
        tags=["flexibility"],
        illustration_alt=(
            "Start: half-kneeling on a pad, back knee down, front foot flat, trunk upright. "
            "End: the hips have eased forward over the front foot, stretching the front of "
            "the back hip, the trunk still upright."
        ),
    ),
    dict(
        slug="calf-stretch",
        name="Wall calf stretch",
        summary=(
            "Hands on a wall, one leg back with the heel down: a stretch for the calf "
            "after your run."
        ),
        category="stretch",
        level="beginner",
        steps="""Stand facing a wall and put your hands on it at shoulder height.
Step one foot back, keeping that leg straight and the heel on the floor.
Bend the front knee and lean towards the wall until you feel a stretch in the back calf.
Hold, breathing slowly.
Change legs.""",
        coaching_cues="""Back heel stays down.
Toes of the back foot point straight at the wall.
Lean with the whole body, not just the hips.""",
        common_mistakes="""Lifting the back heel.
Turning the back foot out.
Bouncing.""",
        default_sets=2,
        default_hold_seconds=30,
        per_side=True,
        muscles=["calves"],
        equipment=["wall"],
        references=[],
        tags=["calves", "flexibility"],
        illustration_alt=(
            "Start: standing upright facing a wall, hands on it. End: one leg stepped far "
            "back, straight, with the heel on the floor, the front knee bent and the body "
            "leaning towards the wall."
        ),
    ),
]

# (exercise, easier, harder): set only where staff have not chosen one.
VARIATIONS = [
    ("glute-hamstring-bridge", None, "single-leg-glute-bridge"),
    ("single-leg-glute-bridge", "glute-hamstring-bridge", "hamstring-slider-curl"),
    ("wall-sit", None, "split-squat"),
    ("split-squat", "wall-sit", "step-up"),
    ("step-up", "split-squat", None),
    ("calf-raise", None, "single-leg-calf-raise"),
    ("single-leg-calf-raise", "calf-raise", None),
    ("dead-bug", None, "front-plank"),
    ("front-plank", "dead-bug", None),
    ("single-leg-balance", None, "single-leg-romanian-deadlift"),
    ("askling-extender", None, "askling-diver"),
    ("askling-diver", "askling-extender", "askling-glider"),
    ("askling-glider", "askling-diver", None),
]

STRENGTH_DESCRIPTION = """\
Eight weeks, two short sessions a week, four exercises each: hamstrings, glutes, \
quadriceps, calves, core and balance, the things our hamstring article says to train \
alongside your running. Each session takes about 20 minutes.

**How hard.** Each exercise has an effort target on the **Borg CR10 scale**, from 0 \
(nothing at all) to 10 (maximal). "Effort 6-7 of 10" means hard: you finish the set with \
two or three good reps left in you. If you are over the target, do fewer reps or take the \
easier version; if you are well under it, take the harder one.

**Easier weeks.** Weeks 4 and 8 are lighter on purpose, so your body catches up with the \
work. The chart below shows how the weeks build and where they ease off.

Do the sessions on easy days or rest days, not straight before a hard run.
"""

ASKLING_DESCRIPTION = """\
These are the three lengthening exercises of the "L-protocol" of Askling, Tengvar and \
Thorstensson (2013). In their trial, 75 Swedish elite footballers with an acute hamstring \
injury, confirmed on MRI, were randomly given either these lengthening exercises or a \
conventional programme; those doing the lengthening exercises were back in full team \
training sooner. A second trial by the same group (Askling et al. 2014), in 56 elite \
sprinters and jumpers, found on average 49 days back with the lengthening protocol \
against 86 with the conventional one.

**Only with your physio's go-ahead.** A hamstring strain needs to be assessed first. Your \
physio will tell you when to start, and may change the plan to suit your injury.

**No pain.** Do each exercise only when it causes no pain, and stop short of pain in every \
rep. Pain means stop and tell your physio.

**How often, as in the trial.** The Extender every day, twice a day, 3 sets of 12. The \
Diver every other day, 3 sets of 6. The Glider every third day, 3 sets of 4. The plan lays \
this out over four weeks; your physio decides when you move on and when you are ready to \
run fast again.
"""

# (phase, notes, effort, session A, session B): sessions as (exercise, sets, reps, hold, per_side)
STRENGTH_WEEKS = [
    (
        "introduction",
        "Learn the movements. Finish every set with plenty left in you.",
        (4, 5),
        [
            ("split-squat", 2, "8", None, True),
            ("glute-hamstring-bridge", 2, "10", None, False),
            ("front-plank", 2, "", 20, False),
            ("single-leg-balance", 2, "", 30, True),
        ],
        [
            ("step-up", 2, "8", None, True),
            ("single-leg-romanian-deadlift", 2, "6", None, True),
            ("dead-bug", 2, "6", None, True),
            ("calf-raise", 2, "12", None, False),
        ],
    ),
    (
        "build",
        "A third set of each exercise.",
        (5, 6),
        [
            ("split-squat", 3, "8", None, True),
            ("glute-hamstring-bridge", 3, "10", None, False),
            ("front-plank", 3, "", 25, False),
            ("single-leg-balance", 3, "", 30, True),
        ],
        [
            ("step-up", 3, "8", None, True),
            ("single-leg-romanian-deadlift", 3, "6", None, True),
            ("dead-bug", 3, "6", None, True),
            ("calf-raise", 3, "15", None, False),
        ],
    ),
    (
        "build",
        "More reps, and bridges on one leg.",
        (6, 7),
        [
            ("split-squat", 3, "10", None, True),
            ("single-leg-glute-bridge", 3, "8", None, True),
            ("front-plank", 3, "", 30, False),
            ("single-leg-balance", 3, "", 40, True),
        ],
        [
            ("step-up", 3, "10", None, True),
            ("single-leg-romanian-deadlift", 3, "8", None, True),
            ("dead-bug", 3, "8", None, True),
            ("calf-raise", 3, "20", None, False),
        ],
    ),
    (
        "deload",
        "An easier week: two sets, a little lighter. Let your body catch up.",
        (4, 5),
        [
            ("split-squat", 2, "8", None, True),
            ("glute-hamstring-bridge", 2, "10", None, False),
            ("front-plank", 2, "", 20, False),
            ("single-leg-balance", 2, "", 30, True),
        ],
        [
            ("step-up", 2, "8", None, True),
            ("single-leg-romanian-deadlift", 2, "6", None, True),
            ("dead-bug", 2, "6", None, True),
            ("calf-raise", 2, "15", None, False),
        ],
    ),
    (
        "build",
        "Calf raises on one leg from now on.",
        (6, 7),
        [
            ("split-squat", 3, "10", None, True),
            ("single-leg-glute-bridge", 3, "10", None, True),
            ("front-plank", 3, "", 35, False),
            ("single-leg-balance", 3, "", 45, True),
        ],
        [
            ("step-up", 3, "10", None, True),
            ("single-leg-romanian-deadlift", 3, "8", None, True),
            ("dead-bug", 3, "8", None, True),
            ("single-leg-calf-raise", 3, "8", None, True),
        ],
    ),
    (
        "build",
        "Twelve reps on the big exercises.",
        (6, 7),
        [
            ("split-squat", 3, "12", None, True),
            ("single-leg-glute-bridge", 3, "12", None, True),
            ("front-plank", 3, "", 40, False),
            ("single-leg-balance", 3, "", 45, True),
        ],
        [
            ("step-up", 3, "12", None, True),
            ("single-leg-romanian-deadlift", 3, "10", None, True),
            ("dead-bug", 3, "10", None, True),
            ("single-leg-calf-raise", 3, "10", None, True),
        ],
    ),
    (
        "build",
        "The hardest week. If 12 reps feel easy, hold a weight for split squats and step-ups.",
        (7, 8),
        [
            ("split-squat", 3, "12", None, True),
            ("single-leg-glute-bridge", 3, "12", None, True),
            ("front-plank", 3, "", 45, False),
            ("single-leg-balance", 3, "", 45, True),
        ],
        [
            ("step-up", 3, "12", None, True),
            ("single-leg-romanian-deadlift", 3, "10", None, True),
            ("dead-bug", 3, "10", None, True),
            ("single-leg-calf-raise", 3, "12", None, True),
        ],
    ),
    (
        "deload",
        "An easier week to finish. Afterwards, keep one or two sessions a week like week 6.",
        (5, 6),
        [
            ("split-squat", 2, "10", None, True),
            ("single-leg-glute-bridge", 2, "10", None, True),
            ("front-plank", 2, "", 30, False),
            ("single-leg-balance", 2, "", 30, True),
        ],
        [
            ("step-up", 2, "10", None, True),
            ("single-leg-romanian-deadlift", 2, "8", None, True),
            ("dead-bug", 2, "8", None, True),
            ("single-leg-calf-raise", 2, "10", None, True),
        ],
    ),
]
STRENGTH_DAYS = [(1, "Strength A"), (4, "Strength B")]  # Tuesday and Friday
ASKLING_WEEKS = 4

# The Diver and Glider go by days since the start (every other day, every third day).
ASKLING_DOSES = {
    "askling-extender": (3, "12", "Twice today: morning and evening."),
    "askling-diver": (3, "6", "Every other day."),
    "askling-glider": (3, "4", "Every third day."),
}

ARTICLES = [
    dict(
        slug="nordic-hamstring-research-for-runners",
        title="Nordic hamstring curls: what the research shows for runners, and what it does not",
        summary=(
            "Nordics come up whenever runners talk about hamstrings. What the studies found, "
            "why none of them was in runners, and what that means for you."
        ),
        seo_title="Nordic hamstring curls and runners: what the research shows",
        seo_description=(
            "What the research on the Nordic hamstring exercise shows, why none of it was in "
            "runners, and how we use it with the runners we see."
        ),
        body="""\
Nordic hamstring curls, or "Nordics", come up whenever runners talk about hamstrings. \
Here is what the research actually found, and where it stops.

## What the exercise is

You kneel with your heels held down, by a partner or under a bar, and lower your body \
forward as slowly as you can. Your hamstrings do the braking while they lengthen. When \
you can hold it no longer, you catch yourself on your hands and push back up. Our \
[step-by-step guide](/exercises/nordic-hamstring-curl/) has the details.

## What the research shows

Research shows that hamstring exercise lowers the rate of hamstring strains, and of \
strains coming back after an injury.

The best-known programme comes from a trial by Petersen and colleagues (2011) in football \
players: 27 sessions over 10 weeks, building from one session of 2 sets of 5 in the first \
week to three sessions a week of 3 sets of 12, 10 and 8 reps. Our \
[Nordic hamstring programme](/plans/nordic-hamstring-programme/) follows it week by week.

A 2019 review by van Dyk, Behan and Whiteley pooled 15 studies and 8,459 athletes. \
Programmes that included the Nordic hamstring exercise reduced hamstring injuries by up to \
about 51% (a risk ratio of 0.49).

## What it does not show

Look at who those athletes were: footballers, rugby players, baseball players and \
Australian footballers. None of the studies was in runners. Those sports are full of \
sprints, kicks and sudden changes of direction, and a steady 10k is not. So we cannot \
promise you the same figure, and nobody can yet.

Nor does the research show that hamstring strength on its own makes you faster: the \
evidence there is inconclusive.

## How we use it

What we can say is that stronger muscles cope better with training, and that the \
hamstrings work hard on every stride. So we do use Nordics with runners, especially those \
who run fast sessions or have had a hamstring strain before, and we build up the way the \
programme does rather than doing a lot at once.

If you are new to strength work, start with our \
[beginner hamstring plan](/plans/beginner-hamstring-strength/). If you have a strain \
right now, wait for your physio's go-ahead.

## Come and see us

Not sure where to start, or whether your hamstrings are ready? Book an appointment and \
we will look at how you run and what you need.
""",
        tags=["hamstrings", "injury-prevention", "strength-training"],
        references=["van-dyk-2019", "petersen-2011"],
        exercises=["nordic-hamstring-curl"],
        plans=["nordic-hamstring-programme", "beginner-hamstring-strength"],
    ),
    dict(
        slug="hamstring-stretching-holds-worth-doing",
        title="Stretching your hamstrings: which holds are worth your time",
        summary=(
            "How long should you hold a hamstring stretch, and how often? One well-known "
            "study gives a clear answer, and it is less than many runners think."
        ),
        seo_title="How long to hold a hamstring stretch: what the research says",
        seo_description=(
            "A study of static hamstring stretching found that a 30-second hold, five days a "
            "week, was enough; longer or more often added nothing."
        ),
        body="""\
Strength is not the whole story for runners' legs: our physios also ask runners to keep \
the flexibility of the lower body. But stretching takes time, so it helps to know how \
much is enough.

## What one study found

Bandy and colleagues (1997) compared different amounts of static hamstring stretching. \
Holding the stretch for 30 seconds, 5 days a week for 6 weeks, improved the range of \
motion of the hamstrings. Holding it for 60 seconds, or stretching three times a day, \
added nothing more.

So a single 30-second hold on most days of the week is a sensible amount to aim for. \
More is not better.

## How to do it

Our [hamstring stretch](/exercises/hamstring-stretch/) needs only a bench or a chair: \
rest your heel on it with the leg straight, and fold forward from your hips. A long breath \
out lets you ease a little further. You should feel a stretch, never pain.

If you are tight and new to stretching, shorter holds of 5 to 10 seconds, repeated 5 to 8 \
times, are an easy way in. As it gets comfortable, work towards one 30-second hold.

## Other stretches in our library

For the front of the hip and the calves, see the \
[kneeling hip flexor stretch](/exercises/kneeling-hip-flexor-stretch/) and the \
[wall calf stretch](/exercises/calf-stretch/). Take them the same way: gently, with no \
bouncing, and never into pain.

## Come and see us

If a muscle always feels tight however much you stretch it, or stretching brings on pain, \
book an appointment: tightness can have other causes, and we can find out which.
""",
        tags=["hamstrings", "flexibility"],
        references=["bandy-1997"],
        exercises=["hamstring-stretch", "kneeling-hip-flexor-stretch", "calf-stretch"],
        plans=[],
    ),
    dict(
        slug="back-from-a-hamstring-strain-lengthening-exercises",
        title="Back from a hamstring strain: the lengthening exercises",
        summary=(
            "Two trials from Sweden found that three lengthening exercises got athletes back "
            "to full training sooner after a hamstring strain. What they are, and how to use "
            "them safely."
        ),
        seo_title="Hamstring strain rehab: Askling's lengthening exercises",
        seo_description=(
            "The Extender, the Diver and the Glider: the lengthening exercises from two "
            "Swedish trials of hamstring strain rehabilitation, with their doses."
        ),
        body="""\
A hamstring strain is one of the injuries runners dread: it is sudden, it hurts, and it \
can keep you from running fast for weeks. Two trials from Sweden give a clear idea of the \
kind of exercise that helps.

## The trials

Askling, Tengvar and Thorstensson (2013) followed 75 Swedish elite footballers with an \
acute hamstring injury, confirmed on MRI. The players were randomly given one of two \
rehabilitation programmes: one built on lengthening exercises, the "L-protocol", or a \
conventional one. Those doing the lengthening exercises were back in full team training \
sooner.

The same group then ran a second trial (Askling and colleagues, 2014) in 56 elite \
sprinters and jumpers. On average they were back in 49 days with the lengthening protocol, \
against 86 with the conventional one.

Both trials were in elite athletes who sprint. We think the idea carries over to runners, \
but that is our judgement, not something these trials tested.

## The three exercises

- **[The Extender](/exercises/askling-extender/)**: lying on your back, you hold the thigh \
of the injured leg with the hip bent to about 90 degrees and slowly straighten the knee, \
stopping short of pain. In the protocol: twice a day, 3 sets of 12.
- **[The Diver](/exercises/askling-diver/)**: standing on the injured leg, you lean your \
trunk forward with your arms reaching ahead while the other leg lifts behind, a movement \
from the hip of the standing leg. Every other day, 3 sets of 6.
- **[The Glider](/exercises/askling-glider/)**: holding a support, one leg slides backwards \
on a slippery surface while the standing leg takes the weight; then you pull yourself back \
with your arms. Every third day, 3 sets of 4.

Our [lengthening plan](/plans/hamstring-strain-lengthening-exercises/) lays these out day \
by day.

## Two rules

First, **only with your physio's go-ahead**. A strain needs to be assessed: how bad it is \
and where it is change what you should do and when.

Second, **no pain**. In the protocol the exercises are done only when they cause no pain. \
Stop short of pain in every rep, and tell your physio if it hurts.

## Come and see us

If you have felt a sudden pain at the back of your thigh while running, book an \
appointment. The sooner we assess it, the sooner you have a plan.
""",
        tags=["hamstrings", "hamstring-strain", "injury-prevention"],
        references=["askling-2013", "askling-2014"],
        exercises=["askling-extender", "askling-diver", "askling-glider"],
        plans=["hamstring-strain-lengthening-exercises"],
    ),
]
# Topics for the first article and plans (added to what they have).
FIRST_ARTICLE_TAGS = {
    "why-hamstring-strength-matters-for-runners": ["glutes", "quadriceps", "core"]
}
PLAN_TAGS = {
    "beginner-hamstring-strength": ["hamstrings", "glutes", "strength-training"],
    "nordic-hamstring-programme": ["hamstrings", "injury-prevention", "strength-training"],
    "runner-strength-8-weeks": [
        "strength-training",
        "hamstrings",
        "glutes",
        "quadriceps",
        "calves",
        "core",
        "balance",
    ],
    "hamstring-strain-lengthening-exercises": ["hamstrings", "hamstring-strain"],
}
# Effort targets for the beginner plan's strength exercises, where none is set yet:
# week 1 at 5-6 of 10, later weeks at 6-7 ("finish with a few reps left").
BEGINNER_EFFORT = {1: (5, 6)}
BEGINNER_EFFORT_LATER = (6, 7)
BEGINNER_STRENGTH = [
    "glute-hamstring-bridge",
    "single-leg-romanian-deadlift",
    "hamstring-slider-curl",
]


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

    references = {}
    for key, fields in REFERENCES.items():
        references[key], _ = Reference.objects.get_or_create(doi=fields["doi"], defaults=fields)
    for key, doi in EXISTING_REFERENCES.items():
        reference = Reference.objects.filter(doi=doi).first()
        if reference is not None:
            references[key] = reference

    def by_slug(model, names):
        found = {}
        for slug, name in names.items():
            item = (
                model.objects.filter(slug=slug).first() or model.objects.filter(name=name).first()
            )
            found[slug] = item or model.objects.create(slug=slug, name=name)
        return found

    tags = by_slug(Tag, TAGS)
    muscles = by_slug(Muscle, MUSCLES)
    equipment = by_slug(Equipment, EQUIPMENT)

    for slug, data in FIRST_EXERCISES.items():
        exercise = Exercise.objects.filter(slug=slug).first()
        if exercise is None:
            continue
        if not exercise.illustration:
            exercise.illustration = f"{slug}.svg"
            exercise.illustration_alt = data["illustration_alt"]
            exercise.save(update_fields=["illustration", "illustration_alt"])
        exercise.tags.add(*[tags[t] for t in data["tags"]])

    exercises = {e.slug: e for e in Exercise.objects.all()}
    for data in EXERCISES:
        data = dict(data)
        muscle_slugs = data.pop("muscles")
        equipment_slugs = data.pop("equipment")
        reference_keys = data.pop("references")
        tag_slugs = data.pop("tags")
        if data["slug"] in exercises:
            continue
        exercise = Exercise.objects.create(illustration=f"{data['slug']}.svg", **data)
        exercise.target_muscles.set([muscles[s] for s in muscle_slugs])
        exercise.equipment.set([equipment[s] for s in equipment_slugs])
        exercise.references.set([references[k] for k in reference_keys if k in references])
        exercise.tags.set([tags[t] for t in tag_slugs])
        exercises[exercise.slug] = exercise
    for slug, easier, harder in VARIATIONS:
        exercise = exercises.get(slug)
        if exercise is None:
            continue
        if easier and exercise.easier_variation_id is None and easier in exercises:
            exercise.easier_variation = exercises[easier]
        if harder and exercise.harder_variation_id is None and harder in exercises:
            exercise.harder_variation = exercises[harder]
        exercise.save(update_fields=["easier_variation", "harder_variation"])

    def add_prescriptions(session, prescriptions):
        for order, data in enumerate(prescriptions, start=1):
            Prescription.objects.create(session=session, order=order, **data)

    if not Plan.objects.filter(slug="runner-strength-8-weeks").exists():
        plan = Plan.objects.create(
            slug="runner-strength-8-weeks",
            title="Strength for runners: 8 weeks",
            summary=(
                "Two short sessions a week for eight weeks: hamstrings, glutes, quadriceps, "
                "calves, core and balance, with an effort target for every exercise and two "
                "easier weeks."
            ),
            audience=(
                "Runners of any level who want the all-round strength our physios recommend "
                "alongside running, with no injury right now. If something hurts today, see "
                "a physio first."
            ),
            level="beginner",
            duration_weeks=8,
            sessions_per_week=2,
            equipment=(
                "A mat, a wall, a stair or sturdy step, and a light dumbbell or kettlebell "
                "(optional)."
            ),
            description=STRENGTH_DESCRIPTION,
            is_published=True,
        )
        for number, (phase, notes, effort, *sessions) in enumerate(STRENGTH_WEEKS, start=1):
            week = PlanWeek.objects.create(plan=plan, number=number, phase=phase, notes=notes)
            for (day, title), doses in zip(STRENGTH_DAYS, sessions, strict=True):
                session = Session.objects.create(week=week, day_of_week=day, title=title)
                add_prescriptions(
                    session,
                    [
                        dict(
                            exercise=exercises[slug],
                            sets=sets,
                            reps=reps,
                            hold_seconds=hold,
                            per_side=per_side,
                            rest_seconds=60 if reps else 45,
                            effort_min=effort[0],
                            effort_max=effort[1],
                        )
                        for slug, sets, reps, hold, per_side in doses
                    ],
                )

    if not Plan.objects.filter(slug="hamstring-strain-lengthening-exercises").exists():
        plan = Plan.objects.create(
            slug="hamstring-strain-lengthening-exercises",
            title="After a hamstring strain: the lengthening exercises",
            summary=(
                "Askling's three lengthening exercises (the Extender, the Diver and the "
                "Glider) day by day for four weeks, with your physio's go-ahead and never "
                "into pain."
            ),
            audience=(
                "Runners with a hamstring strain whose physio has assessed it and given the "
                "go-ahead for these exercises. Not for an injury nobody has looked at yet."
            ),
            level="beginner",
            duration_weeks=ASKLING_WEEKS,
            sessions_per_week=7,
            equipment=(
                "A mat, a slider or a towel on a smooth floor, and something to hold: a "
                "chair back, rail or wall."
            ),
            description=ASKLING_DESCRIPTION,
            is_published=True,
        )
        for number in range(1, ASKLING_WEEKS + 1):
            week = PlanWeek.objects.create(
                plan=plan,
                number=number,
                phase="introduction" if number == 1 else "build",
                notes=(
                    "Start only with your physio's go-ahead. No pain in any rep."
                    if number == 1
                    else "As last week: every exercise only when it causes no pain."
                ),
            )
            week.references.set([references["askling-2013"]])
            for day in range(7):
                days_since_start = (number - 1) * 7 + day
                slugs = ["askling-extender"]
                if days_since_start % 2 == 0:
                    slugs.append("askling-diver")
                if days_since_start % 3 == 0:
                    slugs.append("askling-glider")
                session = Session.objects.create(
                    week=week, day_of_week=day, title=f"Day {days_since_start + 1}"
                )
                add_prescriptions(
                    session,
                    [
                        dict(
                            exercise=exercises[slug],
                            sets=ASKLING_DOSES[slug][0],
                            reps=ASKLING_DOSES[slug][1],
                            notes=ASKLING_DOSES[slug][2],
                        )
                        for slug in slugs
                    ],
                )

    for slug, tag_slugs in PLAN_TAGS.items():
        plan = Plan.objects.filter(slug=slug).first()
        if plan is not None:
            plan.tags.add(*[tags[t] for t in tag_slugs])

    beginner = Plan.objects.filter(slug="beginner-hamstring-strength").first()
    if beginner is not None:
        for week in PlanWeek.objects.filter(plan=beginner):
            low, high = BEGINNER_EFFORT.get(week.number, BEGINNER_EFFORT_LATER)
            Prescription.objects.filter(
                session__week=week,
                exercise__slug__in=BEGINNER_STRENGTH,
                effort_min__isnull=True,
                effort_max__isnull=True,
            ).update(effort_min=low, effort_max=high)

    for slug, tag_slugs in FIRST_ARTICLE_TAGS.items():
        article = Article.objects.filter(slug=slug).first()
        if article is not None:
            article.tags.add(*[tags[t] for t in tag_slugs])

    now = timezone.now()
    for age, data in enumerate(reversed(ARTICLES)):
        data = dict(data)
        tag_slugs = data.pop("tags")
        reference_keys = data.pop("references")
        exercise_slugs = data.pop("exercises")
        plan_slugs = data.pop("plans")
        if Article.objects.filter(slug=data["slug"]).exists():
            continue
        article = Article.objects.create(
            author="The physio team at Physio and Fitness Clinic",
            status="published",
            published_at=now - timedelta(minutes=age),  # listed in the order written here
            **data,
        )
        article.tags.set([tags[t] for t in tag_slugs])
        article.references.set([references[k] for k in reference_keys if k in references])
        article.related_exercises.set([exercises[s] for s in exercise_slugs if s in exercises])
        article.related_plans.set(Plan.objects.filter(slug__in=plan_slugs))


def remove_content(apps, schema_editor):
    """Takes out what this migration added; the first round's content stays."""
    Article = apps.get_model("programs", "Article")
    Plan = apps.get_model("programs", "Plan")
    PlanWeek = apps.get_model("programs", "PlanWeek")
    Session = apps.get_model("programs", "Session")
    Prescription = apps.get_model("programs", "Prescription")
    Exercise = apps.get_model("programs", "Exercise")
    Reference = apps.get_model("programs", "Reference")

    Article.objects.filter(slug__in=[a["slug"] for a in ARTICLES]).delete()
    plans = Plan.objects.filter(
        slug__in=["runner-strength-8-weeks", "hamstring-strain-lengthening-exercises"]
    )
    weeks = PlanWeek.objects.filter(plan__in=plans)
    Prescription.objects.filter(session__week__in=weeks).delete()
    Session.objects.filter(week__in=weeks).delete()
    weeks.delete()
    plans.delete()
    new = [e["slug"] for e in EXERCISES]
    Exercise.objects.filter(easier_variation__slug__in=new).update(easier_variation=None)
    Exercise.objects.filter(harder_variation__slug__in=new).update(harder_variation=None)
    Exercise.objects.filter(slug__in=new).delete()
    Reference.objects.filter(doi__in=[r["doi"] for r in REFERENCES.values()]).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0004_effort_illustrations_tags")]

    operations = [migrations.RunPython(add_content, remove_content)]
