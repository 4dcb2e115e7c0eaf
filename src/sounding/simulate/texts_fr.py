"""French text templates of the simulated audience and brand (written for this module)."""

from __future__ import annotations

__all__ = ["BIOS", "BIO_COMMON", "PLACES", "POSTS", "PRODUCTS", "REPLIES", "TAGS", "THINGS"]

PRODUCTS = (
    "croissant", "pain au chocolat", "kouign-amann", "brioche feuilletée", "baguette tradition",
    "tarte au citron", "chausson aux pommes", "pain de seigle", "flan pâtissier",
    "roulé cannelle", "cookie noisette", "fougasse aux olives",
)

THINGS = {
    "product": ("la nouvelle gamme", "la viennoiserie du mois", "la vitrine", "le goûter"),
    "behind-the-scenes": ("le fournil", "l'équipe de nuit", "le pétrin", "les coulisses"),
    "recipe": ("la recette", "le levain maison", "le pas-à-pas", "le feuilletage"),
    "sustainability": ("la farine locale", "les emballages compostables", "le zéro déchet",
                       "les invendus"),
}

PLACES = ("Lyon", "Nantes", "Lille", "Bordeaux", "Bruxelles", "Genève", "Rennes", "Montreuil")

TAGS = {
    "interest": ("#boulangerie", "#gourmandise", "#faitmaison", "#viennoiserie", "#miam"),
    "animosity": ("#arnaque", "#greenwashing", "#déçu", "#boycott", "#nimporte_quoi"),
    "neutral": ("#boulangerie", "#pain", "#info", "#quartier", "#samedi"),
}

REPLIES = {
    "interest": (
        "Trop envie de goûter {product} {emoji}",
        "Vous livrez à {place} ? Je commanderais bien {product} pour dimanche",
        "Magnifique ! {thing} donne faim dès le matin {emoji} {tag}",
        "Je suis passée hier, {product} était parfait. Bravo à toute l'équipe !",
        "Est-ce que {thing} sera aussi dispo en boutique ? {emoji}",
        "On adore ce que vous faites, continuez comme ça {emoji}",
        "On a parlé de {thing} tout le week-end, toute la famille veut venir {tag}",
        "Quelle belle idée ! Vous avez prévu des ateliers pour apprendre ?",
        "Mon fils réclame {product} tous les jours depuis qu'on vous connaît {emoji}",
        "Ça donne envie de pousser la porte, on vient samedi !",
        "Merci pour le partage, {thing} c'est exactement ce que je cherchais",
        "Enfin une boulangerie qui explique son travail {emoji} {tag}",
        "Je note pour mon prochain passage à {place}, {product} me fait de l'œil",
        "Super vidéo, on voit tout le soin mis dans {thing} {emoji}",
        "Est-ce que vous proposez une version sans lactose du {product} ?",
        "Coup de cœur pour {thing}, je partage autour de moi {emoji}",
        "Les photos sont sublimes, on sent presque l'odeur du beurre {emoji}",
        "Vous faites des commandes pour les anniversaires ? Il me faut 30 {product} !",
        "Franchement le meilleur {product} que j'ai mangé cette année",
        "Hâte de voir la suite, vous avez une newsletter ? {url}",
        "Je découvre votre compte et je suis déjà fan {emoji} {tag}",
        "Bravo pour {thing}, c'est rare de voir autant de transparence",
        "Quels sont vos horaires le dimanche ? Je veux absolument goûter {product}",
        "Ma boulangerie préférée, tout simplement {emoji}",
    ),
    "animosity": (
        "Encore de la pub... on vous suit pour autre chose {emoji}",
        "{product} à ce prix-là ? Vous vous moquez du monde {tag}",
        "{thing}, sérieusement ? Du marketing et rien d'autre {emoji}",
        "Acheté {product} hier : sec et trop sucré. Très déçue.",
        "Arrêtez de parler d'écologie et baissez vos prix {tag}",
        "Personne ne vous a demandé votre avis sur {thing} {emoji}",
        "Trois semaines que j'attends une réponse du service client. Lamentable.",
        "Vous appelez ça artisanal ? C'est industriel avec un joli filtre {emoji}",
        "L'humour forcé des marques, ça ne prend pas {emoji} {tag}",
        "{thing} : beau discours, mais vos sachets en plastique disent le contraire",
        "Boulangerie hipster, prix de bijouterie {emoji}",
        "Franchement ce post est gênant, qui valide ça chez vous ?",
        "Commande arrivée écrasée et froide, jamais plus {tag}",
        "Le {product} était meilleur avant, vous avez changé de beurre ?",
        "On a compris, vous voulez vendre. Désabonnement {emoji}",
        "Ça sent le greenwashing à plein nez {tag}",
        "Votre {product} industriel ne trompe personne à {place}",
        "Encore un compte de marque qui se croit drôle {emoji}",
        "La file d'attente de samedi était honteuse, aucune organisation",
        "Vous supprimez les commentaires négatifs ? On verra bien {tag}",
        "Quelle blague ce {thing}. Vous prenez les gens pour des pigeons {emoji}",
        "Je ne remettrai plus les pieds chez vous, accueil glacial",
        "Des promos partout et plus rien en rayon à 10 h, bravo {emoji}",
    ),
    "neutral": (
        "{product} aussi le lundi, d'après l'ardoise",
        "Vu en passant à {place} ce matin",
        "Camille, regarde : c'est la boulangerie dont je te parlais",
        "Garée deux rues plus loin ce matin",
        "Pour info le lien ne fonctionne pas chez moi {url}",
        "Partagé dans le groupe du quartier {tag}",
        "Les horaires du 1er novembre sont sur la porte, pour ceux qui demandent",
        "Ma grand-mère faisait le {product} avec de la farine T80",
        "Je repasserai quand il fera moins chaud",
        "Ah tiens, je ne savais pas que vous étiez aussi sur ce réseau",
        "On en parlait justement au bureau ce midi",
        "Payé en tickets resto cette fois",
        "Rue de la Gare, toujours en travaux ce matin",
        "{thing}, on en parlait sur le groupe tout à l'heure",
        "Première fois que je vois passer ce compte {tag}",
        "Il y a deux boutiques maintenant, une de chaque côté du pont",
        "Mon voisin travaille chez vous je crois",
        "J'ai vu l'article dans le journal local {url}",
        "Ok merci pour l'info",
        "Lu dans le bus ce matin",
        "La boutique de {place} a déménagé un peu plus bas l'an dernier",
        "Je transmets à ma sœur qui habite à côté",
        "Le même {product} qu'au marché du samedi",
    ),
}

POSTS = {
    "product": {
        "informative": (
            "Nouveau dans la vitrine : {product}, au beurre AOP et farine de meule.",
            "{product} : disponible tous les jours dès 7 h dans nos deux boutiques.",
        ),
        "humour": (
            "Breaking news : {product} a encore disparu avant 9 h. Enquête en cours {emoji}",
            "Nous avons testé la résistance au {product}. Résultat : zéro.",
        ),
        "promotional": (
            "-20 % sur {product} ce week-end avec le code BRIOCHE20 {url}",
            "Offre de lancement : un {product} offert pour deux achetés {emoji}",
        ),
    },
    "behind-the-scenes": {
        "informative": (
            "4 h du matin au fournil : voici comment naît {product}.",
            "Rencontre avec l'équipe de nuit, celles et ceux qui façonnent {product}.",
        ),
        "humour": (
            "Le pétrin fait plus de bruit que le réveil. Le café aussi {emoji}",
            "Ce que personne ne voit : la lutte quotidienne contre la farine au plafond.",
        ),
        "promotional": (
            "Venez visiter le fournil samedi, places limitées : {url}",
            "Les coulisses en vrai ? Réservez votre atelier découverte {emoji}",
        ),
    },
    "recipe": {
        "informative": (
            "La recette de notre {product} en 6 étapes, pas-à-pas en images.",
            "Le secret d'un bon levain : patience et farine locale. Notre méthode.",
        ),
        "humour": (
            "Recette du {product} : étape 1, résister à l'envie de tout manger cru.",
            "Notre levain s'appelle Gérard. Il a plus de followers que nous {emoji}",
        ),
        "promotional": (
            "Le kit recette {product} est arrivé en boutique et en ligne {url}",
            "Apprenez {product} avec nos boulangers : ateliers ouverts {emoji}",
        ),
    },
    "sustainability": {
        "informative": (
            "Nos farines viennent de moulins à moins de 80 km. Voici la carte.",
            "Les invendus partent chaque soir vers une association du quartier.",
        ),
        "humour": (
            "Zéro déchet : même les miettes ont un plan de carrière {emoji}",
            "Notre sac compostable a plus de convictions que certains politiques.",
        ),
        "promotional": (
            "Rapportez votre sac en tissu, on vous offre {product} {emoji}",
            "Nouveaux emballages compostables, à découvrir en boutique {url}",
        ),
    },
}

# Bios de profil : ce que chaque segment dit volontiers de lui-même, et ce que tout le monde dit.
BIOS = {
    "fr_gourmets": (
        "Amateur de bonne chère", "Gourmand assumé", "Toujours en quête du meilleur croissant",
        "Chasseur de pâtisseries", "Je photographie tout ce que je mange",
        "Fromages, vins et viennoiseries", "Carnet d'adresses gourmandes",
        "Critique culinaire du dimanche", "Dégustations et belles découvertes",
        "Les bonnes tables avant tout",
    ),
    "fr_locals": (
        "Maman de deux enfants", "Papa de trois loulous", "Habitant du quartier depuis 15 ans",
        "Parent d'élève et bénévole à l'école", "Vie de famille et marché du samedi",
        "Fier de mon quartier", "Association des riverains", "Sorties en famille le week-end",
        "Conseil de quartier", "Les commerces de proximité d'abord",
    ),
    "fr_grumblers": (
        "Ici on dit ce qu'on pense", "Râleur professionnel", "Pas de langue de bois",
        "Contre la pub partout", "Consommateur pas dupe", "Le marketing me fatigue",
        "Je dénonce les arnaques", "Esprit critique en toutes circonstances",
        "Mauvais caractère assumé", "Pas d'accord par principe",
    ),
}
BIO_COMMON = (
    "il/lui", "elle/la", "Avis personnels", "Café d'abord", "Amoureux des chats",
    "Musique et cinéma", "Randonneur", "Lecteur compulsif", "Supporter de foot",
    "Développeur web", "Photographe amateur", "Juste de passage", "Professeur",
)
