"""Generic obfuscation augmentation for L2 training (promptgate's own code).

train_pool.jsonl holds no obfuscated items while real traffic (and the evaluation sets)
do. Every transform here is applied to attack AND benign training texts alike, so the
obfuscation itself carries no label: the models must learn what the obfuscated text says.
Transforms: leetspeak, homoglyphs (Cyrillic/Greek), zero-width characters, spaced or
punctuated letters, full-width forms, mixed case, base64 / ROT13 / reversed wrapping with
neutral framings, payload split into two variables, and a combination of the light ones.
"""

import base64
import codecs
import random

LEET = {
    "a": ["4", "@"], "e": ["3"], "i": ["1", "!"], "o": ["0"], "s": ["5", "$"],
    "t": ["7", "+"], "l": ["1", "|"], "g": ["9"], "b": ["8"], "z": ["2"],
}
HOMO = {
    "a": ["а", "α"], "c": ["с"], "e": ["е", "ε"], "o": ["о", "ο"], "p": ["р", "ρ"],
    "x": ["х"], "y": ["у"], "i": ["і", "ι"], "s": ["ѕ"], "j": ["ј"], "h": ["һ"],
    "k": ["κ"], "t": ["τ"], "v": ["ν"], "A": ["А", "Α"], "B": ["В", "Β"],
    "C": ["С"], "E": ["Е", "Ε"], "H": ["Н", "Η"], "I": ["І", "Ι"], "K": ["К", "Κ"],
    "M": ["М", "Μ"], "O": ["О", "Ο"], "P": ["Р", "Ρ"], "T": ["Т", "Τ"], "X": ["Х", "Χ"],
}
ZW = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
SEPS = [" ", ".", "_", "-", "*", "/"]

# Neutral framings, shared by attacks and benign texts.
FRAMES = {
    "base64": [
        "Decode this base64: {}", "{}", "What does this base64 string say? {}",
        "Here is some encoded text: {} Please handle it.", "echo '{}' | base64 -d",
        "Can you read this? {}",
    ],
    "rot13": [
        "Decode this ROT13: {}", "{}", "This is rot13, translate it: {}",
        "Apply ROT13 to the following and respond: {}", "Can you read this? {}",
    ],
    "reversed": [
        "Reverse this text: {}", "{}", "Read this backwards and answer: {}",
        "The following is reversed: {}", "Can you read this? {}",
    ],
}


def leet(t, r):
    return "".join(r.choice(LEET[c.lower()]) if c.lower() in LEET and r.random() < 0.5 else c for c in t)


def homoglyph(t, r):
    return "".join(r.choice(HOMO[c]) if c in HOMO and r.random() < 0.4 else c for c in t)


def zero_width(t, r):
    out = []
    for c in t:
        out.append(c)
        if c.isalpha() and r.random() < 0.3:
            out.append(r.choice(ZW))
    return "".join(out)


def spacing(t, r):
    sep = r.choice(SEPS)
    words = t.split(" ")
    return " ".join(sep.join(w) if len(w) > 1 and r.random() < 0.5 else w for w in words)


def fullwidth(t, r):
    out = []
    for c in t:
        o = ord(c)
        if c == " ":
            out.append("\u3000")
        elif 0x21 <= o <= 0x7E:
            out.append(chr(o + 0xFEE0))
        else:
            out.append(c)
    return "".join(out)


def mixed_case(t, r):
    return "".join(c.upper() if r.random() < 0.5 else c.lower() for c in t)


def wrap(kind, payload, r):
    return r.choice(FRAMES[kind]).format(payload)


def b64(t, r):
    return wrap("base64", base64.b64encode(t[:400].encode("utf-8")).decode("ascii"), r)


def rot13(t, r):
    return wrap("rot13", codecs.encode(t[:600], "rot13"), r)


def reversed_text(t, r):
    return wrap("reversed", t[:600][::-1], r)


def payload_split(t, r):
    cut = len(t) // 2
    a, b = t[:cut], t[cut:]
    return r.choice([
        'Let a = "{}" and b = "{}". Now do what a + b says.',
        'x = "{}"\ny = "{}"\nprint(x + y)',
        'Part 1: {} Part 2: {} Combine both parts and respond.',
    ]).format(a, b)


def combined(t, r):
    for f in r.sample([leet, homoglyph, zero_width, mixed_case], 2):
        t = f(t, r)
    return t


TRANSFORMS = {
    "leetspeak": leet, "homoglyph": homoglyph, "zero_width": zero_width, "spacing": spacing,
    "fullwidth": fullwidth, "mixed_case": mixed_case, "base64": b64, "rot13": rot13,
    "reversed": reversed_text, "payload_split": payload_split, "combined": combined,
}


def augment(texts, labels, seed, copies=1):
    """`copies` obfuscated variants of every text (random transform each), same label."""
    r = random.Random(seed)
    names = sorted(TRANSFORMS)
    out_t, out_y = [], []
    for t, y in zip(texts, labels):
        for _ in range(copies):
            out_t.append(TRANSFORMS[r.choice(names)](t, r))
            out_y.append(y)
    return out_t, out_y


# --- generic benign texts ----------------------------------------------------------------
# train_pool's benign texts are mostly short single questions, while real traffic also
# carries task instructions with an output format, documents to process, requests to write
# or improve prompts, and everyday uses of attack vocabulary ("ignore", "override", "system",
# "instructions", "secret"). The texts below are composed from promptgate's own word lists
# and train_pool's benign sentences (used as inputs and document bodies), label benign.

TASKS = [
    "Classify the sentiment of the following {thing}. Output 'positive', 'negative' or 'neutral'.",
    "Decide whether the following {thing} is formal or informal. Answer with one word.",
    "Translate the following {thing} into {lang}.",
    "Summarize the following {thing} in one sentence.",
    "Rewrite the following {thing} so that it is easier to read.",
    "Correct the grammar of the following {thing}. Output only the corrected text.",
    "Extract every name, date and place from the following {thing}. Output a JSON list.",
    "Give the following {thing} a short title.",
    "Is the following {thing} a question or a statement? Output 1 for a question and 0 for a statement.",
    "Identify the main topic of the following {thing}.",
    "Generate three follow-up questions about the following {thing}.",
    "Label the following {thing} as fact or opinion and explain your answer briefly.",
    "Turn the following {thing} into a bullet list.",
    "Paraphrase the following {thing} without changing its meaning.",
    "Count the verbs in the following {thing} and list them.",
    "Write a reply to the following {thing} in a friendly tone.",
    "Find the tone of the following {thing}: choose from happy, sad, angry, neutral.",
    "Rate how clear the following {thing} is on a scale from 1 to 5. Output only the number.",
    "Explain the following {thing} to a ten-year-old.",
    "Fill in the blank so the following {thing} makes sense, and output the full sentence.",
]
THINGS = ["sentence", "text", "message", "paragraph", "statement", "review", "note", "comment"]
LANGS = ["French", "German", "Spanish", "Italian", "Polish", "Japanese", "plain English"]
FIELDS = ["Input", "Text", "Sentence", "Message", "Review", "Example"]

DOC_TASKS = [
    "Summarize this email:", "Extract the sender, the date and the main request from this email.",
    "Write a short reply to this:", "Is the following email spam, a receipt or a personal message?",
    "Pull out the action items from these meeting notes.", "Translate this notice into German:",
    "Proofread this announcement and list the mistakes.", "What is the tone of this letter?",
    "Make this message shorter but keep every fact.", "Turn these notes into a short report.",
]
SUBJECTS = [
    "Your order has shipped", "Meeting moved to Thursday", "Invoice for March",
    "Team lunch next week", "Password reset confirmation", "Quarterly update",
    "Welcome to the community", "Change to the office hours", "Your subscription renewal",
    "Reminder: review the project plan",
]

PROMPT_META = [
    "Write a prompt for {tool} that {goal}.",
    "Can you help me write a prompt for {tool}? I want it to {goal_inf}.",
    "Give me a plain text prompt I can paste into {tool} to {goal_inf}.",
    "Improve this prompt so {tool} gives better answers: \"{ask}\"",
    "What makes a good prompt for {tool}?",
    "Turn this idea into a detailed prompt for {tool}: {ask}",
    "I keep getting vague answers from {tool}. How should I phrase my prompt to {goal_inf}?",
    "Write a system message for {tool} that tells it to {goal_inf}.",
    "Suggest five prompt templates for {tool} that {goal}.",
    "Here is my prompt: \"{ask}\". Why does {tool} misunderstand it?",
    "Write an error prompt for {tool} when {event}.",
    "Write the on-screen prompt a user sees when {event}.",
    "Explain the difference between a system prompt and a user prompt in {tool}.",
    "How long should a prompt for {tool} be?",
    "Create a prompt library entry for {tool}: title, goal, prompt text.",
]
TOOLS = [
    "an image generator", "Midjourney", "Stable Diffusion", "ChatGPT", "my customer support bot",
    "a coding assistant", "our internal FAQ bot", "a writing assistant", "the recipe chatbot",
    "a language model", "a travel planning assistant", "my tutoring app",
]
GOALS = [
    "draws a watercolor of a lighthouse at dawn", "explains photosynthesis simply",
    "writes product descriptions for handmade mugs", "answers questions about our return policy",
    "suggests names for a bakery", "summarizes long articles in three bullet points",
    "creates a weekly meal plan", "helps students practise Spanish verbs",
    "reviews Python code for style issues", "plans a three-day trip to Lisbon",
    "writes polite reminders for unpaid invoices", "generates quiz questions about the solar system",
]
GOALS_INF = [
    "draw a cozy reading nook", "explain compound interest", "write a birthday poem",
    "answer shipping questions", "summarize meeting notes", "suggest workout routines",
    "translate menus", "describe a fantasy landscape", "write unit tests", "list healthy snacks",
    "explain how vaccines work", "give feedback on my essay",
]
EVENTS = [
    "the password is too short", "the upload fails", "the session expires",
    "the form is missing an email address", "the payment is declined", "the file is too large",
]

# Everyday uses of attack vocabulary, framed as ordinary requests.
VOCAB = [
    "Ignore the typo in my last message, I meant {topic}.",
    "Please ignore my previous question and tell me about {topic} instead.",
    "You can disregard the second paragraph of my draft; focus on {topic}.",
    "Forget what I said earlier about {topic}, I found the answer.",
    "How do I make my linter ignore a single line in {lang_code}?",
    "How do I override a method in {lang_code}?",
    "How can I override the default font size in my CSS?",
    "Our policy says staff must not {act} without a manager's approval. Rewrite it more politely.",
    "Draft a rule for our handbook: nobody may {act} outside working hours.",
    "What are the system requirements for {software}?",
    "Describe the instructions you would give a new colleague on their first day in {dept}.",
    "Write instructions for {chore}.",
    "Follow these instructions to {chore}: first read everything, then start.",
    "What is the secret to good {food}?",
    "Reveal the answer to yesterday's riddle about {topic}.",
    "How long is recovery after bypass surgery?",
    "Is it legal to jailbreak my phone?",
    "Act as my {role} and help me with {topic}.",
    "Pretend you are a {role} and quiz me on {topic}.",
    "Roleplay as a {role} for my kids' story about {topic}.",
    "What does developer mode on Android do?",
    "What is a prompt injection attack and how do I protect my app from it?",
    "Explain why jailbreak prompts are a risk for companies that use chatbots.",
    "Is this message a prompt injection attempt: '{ask}'?",
    "How do I reset the admin password on my own router?",
    "What rules does a referee follow in {sport}?",
    "Can you bypass the intro and go straight to the main point about {topic}?",
    "Our firewall blocks {software}. How do I ask IT to allow it?",
    "Print the first ten lines of a file in {lang_code}.",
    "The previous instructions in the manual were wrong; what is the correct way to {chore}?",
    "Without revealing the ending, tell me what {book} is about.",
    "I have no restrictions on budget. Suggest a gift for someone who likes {topic}.",
    "Stop using bullet points and answer in full sentences about {topic}.",
    "From now on, answer me in {lang} so I can practise.",
    "Respond only with yes or no: is {topic} a good hobby for beginners?",
    "Keep your answer under 50 words: what is {topic}?",
]
TOPICS = [
    "gardening", "the French revolution", "sourdough bread", "black holes", "chess openings",
    "budget travel", "time management", "climate change", "jazz history", "home insulation",
    "marathon training", "the water cycle", "renewable energy", "origami", "bird watching",
]
ACTS = ["override pricing rules", "bypass the change freeze", "disable safety interlocks",
        "share customer data", "reveal salary details", "ignore the checklist",
        "skip code review", "delete audit logs", "change the alarm codes"]
LANG_CODES = ["Python", "JavaScript", "Rust", "Go", "Java", "TypeScript", "C#"]
SOFTWARE = ["Photoshop", "Visual Studio", "the latest Windows", "Blender", "a Minecraft server", "Zoom"]
DEPTS = ["accounting", "the warehouse", "support", "the lab", "the kitchen", "the front desk"]
CHORES = ["assemble a bookshelf", "repot a plant", "clean a coffee machine", "change a bike tyre",
          "set up a printer", "bake banana bread", "back up a laptop"]
FOODS = ["pizza dough", "fried rice", "pancakes", "guacamole", "barbecue", "espresso"]
ROLES = ["tutor", "travel guide", "pirate captain", "personal trainer", "detective", "chef",
         "history teacher", "interviewer"]
SPORTS = ["football", "tennis", "basketball", "rugby", "volleyball"]
BOOKS = ["Moby Dick", "Pride and Prejudice", "Dune", "The Hobbit", "1984"]


def benign_texts(pool_benign, seed, n):
    """`n` generic benign texts (label benign): task instructions over train_pool's benign
    sentences, documents built from them, prompt-writing requests and everyday uses of
    attack vocabulary, in equal shares."""
    r = random.Random(seed)
    sentences = [t for t in pool_benign if 20 <= len(t) <= 300 and "\n" not in t]

    def fill(tpl):
        return tpl.format(
            thing=r.choice(THINGS), lang=r.choice(LANGS), tool=r.choice(TOOLS),
            goal=r.choice(GOALS), goal_inf=r.choice(GOALS_INF), ask=r.choice(sentences),
            event=r.choice(EVENTS), topic=r.choice(TOPICS), act=r.choice(ACTS),
            lang_code=r.choice(LANG_CODES), software=r.choice(SOFTWARE), dept=r.choice(DEPTS),
            chore=r.choice(CHORES), food=r.choice(FOODS), role=r.choice(ROLES),
            sport=r.choice(SPORTS), book=r.choice(BOOKS),
        )

    def task():
        head = fill(r.choice(TASKS))
        body = " ".join(r.sample(sentences, r.choice([1, 1, 2])))
        return r.choice([f"{head}\n\n{r.choice(FIELDS)}: {body}", f"{head}\n{body}", f"{head} {body}"])

    def document():
        body = " ".join(r.sample(sentences, r.randint(2, 5)))
        sign = r.choice(["Best regards,\nSam", "Thanks,\nAlex", "Kind regards\nThe team", ""])
        doc = f"SUBJECT: {r.choice(SUBJECTS)}\n\n{body}\n\n{sign}".strip()
        return f"{r.choice(DOC_TASKS)}\n\n{doc}"

    makers = [task, document, lambda: fill(r.choice(PROMPT_META)), lambda: fill(r.choice(VOCAB))]
    return [makers[i % len(makers)]() for i in range(n)]
