"""English text templates of the simulated audience and brand (written for this module)."""

from __future__ import annotations

__all__ = ["BIOS", "BIO_COMMON", "PLACES", "POSTS", "PRODUCTS", "REPLIES", "TAGS", "THINGS"]

PRODUCTS = (
    "croissant", "pain au chocolat", "sourdough loaf", "cinnamon bun", "kouign-amann",
    "lemon tart", "almond croissant", "rye bread", "apple turnover", "hazelnut cookie",
    "olive fougasse", "morning bun",
)

THINGS = {
    "product": ("the new range", "this month's pastry", "the counter", "the afternoon box"),
    "behind-the-scenes": ("the bakehouse", "the night shift", "the dough room", "the ovens"),
    "recipe": ("the recipe", "your sourdough starter", "the step-by-step", "the lamination"),
    "sustainability": ("local flour", "compostable packaging", "zero waste",
                       "the unsold bread"),
}

PLACES = ("London", "Bristol", "Dublin", "Montreal", "Toronto", "Brooklyn", "Leeds", "Melbourne")

TAGS = {
    "interest": ("#bakery", "#pastrylove", "#sourdough", "#breakfast", "#yum"),
    "animosity": ("#ripoff", "#greenwashing", "#disappointed", "#boycott", "#cringe"),
    "neutral": ("#bakery", "#bread", "#fyi", "#weekend", "#local"),
}

REPLIES = {
    "interest": (
        "Need to try the {product} asap {emoji}",
        "Do you ship to {place}? I'd order a dozen {product} for Sunday",
        "Gorgeous! {thing} looks incredible {emoji} {tag}",
        "Stopped by yesterday and the {product} was perfect. Well done team!",
        "Will {thing} be available in store too? {emoji}",
        "Love what you're doing here, keep it up {emoji}",
        "We talked about {thing} all weekend at home, everyone wants to visit {tag}",
        "What a lovely idea! Any workshops planned so we can learn?",
        "My kids ask for a {product} every single day now {emoji}",
        "This makes me want to walk right in, see you Saturday!",
        "Thanks for sharing, {thing} is exactly what I was looking for",
        "Finally a bakery that shows how the work is done {emoji} {tag}",
        "Saving this for my next trip to {place}, that {product} is calling me",
        "Great video, you can see the care that goes into {thing} {emoji}",
        "Do you make a dairy-free version of the {product}?",
        "Absolutely in love with {thing}, sharing with all my friends {emoji}",
        "These photos are stunning, I can almost smell the butter {emoji}",
        "Do you take birthday orders? I need 30 {product} !",
        "Honestly the best {product} I've had all year",
        "Can't wait to see more, do you have a newsletter? {url}",
        "Just found your account and I'm already a fan {emoji} {tag}",
        "Kudos on {thing}, rare to see a brand this open",
        "What are your Sunday hours? I have to try the {product}",
        "Simply my favourite bakery {emoji}",
    ),
    "animosity": (
        "More ads... not why I followed you {emoji}",
        "{product} at that price? You're having a laugh {tag}",
        "{thing}, really? Pure marketing and nothing else {emoji}",
        "Bought a {product} yesterday: dry and far too sweet. So disappointed.",
        "Stop preaching about the planet and lower your prices {tag}",
        "Nobody asked for your take on {thing} {emoji}",
        "Three weeks waiting for customer service to reply. Pathetic.",
        "You call this artisanal? It's factory bread with a nice filter {emoji}",
        "Brands trying to be funny online is so tired {emoji} {tag}",
        "{thing}: nice words, but your plastic bags say otherwise",
        "Hipster bakery, jeweller prices {emoji}",
        "This post is honestly embarrassing, who signs off on this?",
        "Order showed up squashed and cold, never again {tag}",
        "The {product} used to be better, did you change the butter?",
        "We get it, you want to sell stuff. Unfollowing {emoji}",
        "This reeks of greenwashing {tag}",
        "Nobody in {place} is fooled by your factory {product}",
        "Yet another brand account that thinks it's hilarious {emoji}",
        "The queue on Saturday was a disgrace, zero organisation",
        "Are you deleting the negative comments now? We'll see {tag}",
        "What a joke, {thing}. You must think we're idiots {emoji}",
        "Won't set foot in there again, the welcome was ice cold",
        "Discounts everywhere and empty shelves by 10am, great job {emoji}",
    ),
    "neutral": (
        "The {product} is on the Monday board again",
        "Walked past the {place} shop this morning",
        "Sam, look, this is the bakery I told you about",
        "Parked two streets away this morning",
        "FYI the link doesn't open for me {url}",
        "Shared in the neighbourhood group {tag}",
        "Bank holiday hours are on the door, for anyone asking",
        "My gran used to make {product} with wholemeal flour",
        "I'll pop by when it's less busy",
        "Oh, didn't know you were on here as well",
        "We were just talking about this at lunch",
        "Paid by card this time",
        "{thing} takes most of the night, apparently",
        "{thing} came up in our group chat earlier",
        "First time seeing this account {tag}",
        "There are two shops now, one on each side of the river",
        "I think my neighbour works for you",
        "Saw the piece in the local paper {url}",
        "Ok thanks for the info",
        "Reading this on the bus",
        "The {place} shop moved down the road last year",
        "Forwarding to my sister who lives nearby",
        "Same {product} as the one at the Saturday market",
    ),
}

POSTS = {
    "product": {
        "informative": (
            "New at the counter: {product}, made with cultured butter and stone-milled flour.",
            "{product}: fresh every day from 7am in both our shops.",
        ),
        "humour": (
            "Breaking: the {product} vanished before 9am again. Investigation ongoing {emoji}",
            "We stress-tested our willpower against the {product}. It lost.",
        ),
        "promotional": (
            "20% off {product} this weekend with code BRAMBLE20 {url}",
            "Launch offer: buy two {product}, get one free {emoji}",
        ),
    },
    "behind-the-scenes": {
        "informative": (
            "4am in the bakehouse: this is how the {product} comes to life.",
            "Meet the night shift, the people who shape every {product}.",
        ),
        "humour": (
            "The mixer is louder than the alarm clock. So is the coffee machine {emoji}",
            "What nobody sees: the daily battle against flour on the ceiling.",
        ),
        "promotional": (
            "Come and visit the bakehouse on Saturday, limited spots: {url}",
            "Want the real backstage? Book a discovery workshop {emoji}",
        ),
    },
    "recipe": {
        "informative": (
            "Our {product} recipe in 6 steps, with pictures.",
            "The secret of a good starter: patience and local flour. Here's our method.",
        ),
        "humour": (
            "{product} recipe, step 1: resist eating the dough raw.",
            "Our sourdough starter is called Gerald. He has more followers than us {emoji}",
        ),
        "promotional": (
            "The {product} recipe kit is in store and online now {url}",
            "Learn the {product} with our bakers: workshops now open {emoji}",
        ),
    },
    "sustainability": {
        "informative": (
            "Our flour comes from mills less than 50 miles away. Here's the map.",
            "Every evening our unsold bread goes to a local food charity.",
        ),
        "humour": (
            "Zero waste: even our crumbs have a career plan {emoji}",
            "Our compostable bag has stronger convictions than most politicians.",
        ),
        "promotional": (
            "Bring back your cloth bag and get a free {product} {emoji}",
            "New compostable packaging, now in store {url}",
        ),
    },
}

# Profile bios: phrases each segment tends to write about itself, and phrases anyone might.
BIOS = {
    "en_foodies": (
        "Brunch enthusiast", "Will travel for pastry", "Eating my way around town",
        "Home baker and food photographer", "Foodie and coffee snob",
        "Recipe tester in a tiny kitchen", "Cake is always the answer",
        "Weekend market wanderer", "Food blogger", "Chasing the perfect cinnamon bun",
    ),
    "en_eco": (
        "Climate first", "Zero waste in progress", "Plastic-free living",
        "Sustainability researcher", "Cycling, composting, campaigning",
        "Calling out greenwashing", "Rewilding advocate", "Local climate action group",
        "Buy less, choose well", "Reduce, reuse, refuse",
    ),
    "food_pros": (
        "Pastry chef", "Head baker at a neighbourhood bakery", "Restaurant owner",
        "Chef and recipe developer", "Culinary school instructor", "Food industry consultant",
        "Sous-chef on night shifts", "Running a small café", "Flour supplier to craft bakers",
        "Hospitality professional",
    ),
}
BIO_COMMON = (
    "he/him", "she/her", "Opinions my own", "Coffee first", "Dog person", "Cat lover",
    "Music, books and long walks", "Runner", "Teacher", "Football on Saturdays",
    "Tech worker", "Amateur photographer", "Just here for the conversation",
)
