"""The lexicon's table, second part: e-mail, paywalls, reading apps and text repair."""

from __future__ import annotations

_Table = dict[str, tuple[str, ...]]

OTHER: dict[str, _Table] = {
    # "View this e-mail in your browser", anywhere in a line.
    "view_online": {
        "en": ("view (this (e-?mail|message) )?(in|on) (your|a|the) (browser|web)", "view online",
               "web version", "read (it )?online", "open in browser", "view in browser"),
        "de": ("online ansehen", "im browser", "webversion", "online lesen"),
        "fr": ("ne s.affiche pas", "version en ligne", "dans (votre|le) navigateur"),
        "es": ("en línea", "en (tu|el) navegador", "versión web"),
        "it": ("nel browser", "versione web", "visualizza online"),
        "nl": ("in je browser", "in (uw|de) browser", "webversie", "online bekijken"),
        "pt": ("no (seu )?navegador", "versão web", "ver online"),
        "nb": ("i nettleseren", "nettversjon", "se på nett"),
        "tr": ("tarayıcıda görüntüle", "tarayıcınızda", "web sürümü"),
    },
    # Word stems of a newsletter's footer: unsubscribe, preferences, why you get it.
    "mail_footer": {
        "en": ("unsubscri", "preferences", "receiv", "subscri", "newsletter", "manage (your )?"
               "subscription", "update your preferences", "forward(ed)? (this|to a friend)"),
        "de": ("abmelden", "abbestellen", "einstellungen", "erhalten", "abonn"),
        "fr": ("désinscri", "desinscri", "préférences", "recev", "abonn"),
        "es": ("desuscri", "darse de baja", "preferencias", "recib", "suscri"),
        "it": ("disiscri", "annulla l.iscrizione", "preferenze", "ricev", "iscritt"),
        "nl": ("afmeld", "uitschrijven", "voorkeuren", "ontvang", "abonn"),
        "pt": ("cancelar (a )?inscrição", "descadastr", "preferências", "receb", "assin"),
        "nb": ("avmeld", "meld deg av", "innstillinger", "mottar", "abonn"),
        "tr": ("abonelikten çık", "aboneliği iptal", "tercihler", "almak istemiyorsanız", "abone"),
        "xx": ("afmeld", "otrzymuj"),
    },
    # The line that opens a forwarded message (the dashes around it are edge punctuation).
    "forwarded": {
        "en": ("forwarded message", "begin forwarded message:?",
               "original message"),
        "de": ("weitergeleitete nachricht", "ursprüngliche nachricht",
               "anfang der weitergeleiteten nachricht:?"),
        "fr": ("message transféré", "début du message réexpédié ?:?",
               "message d'origine"),
        "es": ("mensaje reenviado", "inicio del mensaje reenviado:?",
               "mensaje original"),
        "it": ("messaggio inoltrato", "inizio messaggio inoltrato:?",
               "messaggio originale"),
        "nl": ("doorgestuurd bericht", "begin doorgestuurd bericht:?",
               "oorspronkelijk bericht"),
        "pt": ("mensagem encaminhada", "início da mensagem encaminhada:?",
               "mensagem original"),
        "nb": ("videresendt melding", "start på videresendt melding:?",
               "opprinnelig melding"),
        "tr": ("iletilen ileti", "iletilen iletinin başlangıcı:?",
               "orijinal ileti"),
    },
    # Header names of a pasted e-mail, as mail programs translate them.
    "mail_subject": {
        "en": ("subject",), "de": ("betreff",), "fr": ("objet", "sujet"), "es": ("asunto",),
        "it": ("oggetto",), "nl": ("onderwerp",), "pt": ("assunto",), "nb": ("emne",),
        "tr": ("konu",), "xx": ("temat", "ämne", "aihe"),
    },
    "mail_from": {
        "en": ("from",), "de": ("von",), "fr": ("de",), "es": ("de",), "it": ("da",),
        "nl": ("van",), "pt": ("de",), "nb": ("fra",), "tr": ("kimden", "gönderen"),
    },
    "mail_date": {
        "en": ("date", "sent"), "de": ("datum", "gesendet"), "fr": ("date", "envoyé"),
        "es": ("fecha", "enviado"), "it": ("data", "inviato"), "nl": ("datum", "verzonden"),
        "pt": ("data", "enviada"), "nb": ("dato", "sendt"), "tr": ("tarih", "gönderildi"),
    },
    # Reply and forward prefixes of a subject line.
    "reply_prefix": {
        "en": ("re", "fwd?", "fw"), "de": ("aw", "wg", "wtr"), "fr": ("tr", "réf"),
        "es": ("rv", "rv"), "it": ("r", "i"), "nl": ("antw", "dq"), "pt": ("enc", "res"),
        "nb": ("sv", "vs", "vb"), "tr": ("ynt", "ilt"),
    },
    # The word before an issue number in a newsletter's subject (`no. 48`, `Ausgabe 12`).
    "issue": {
        "en": ("no\\.?", "issue", "number", "edition", "vol\\.?", "#"),
        "de": ("nr\\.?", "ausgabe", "folge"),
        "fr": ("n[°º]", "numéro", "édition"),
        "es": ("n[°º]", "núm\\.?", "número", "edición"),
        "it": ("n\\.", "numero", "edizione"),
        "nl": ("nr\\.?", "editie", "aflevering"),
        "pt": ("n[°º]", "número", "edição"),
        "nb": ("nr\\.?", "utgave"),
        "tr": ("sayı", "no\\.?"),
    },
    # "All rights reserved" and the like, in a footer.
    "rights": {
        "en": ("all rights reserved",), "de": ("alle rechte vorbehalten", "rechte vorbehalten"),
        "fr": ("tous droits réservés", "droits réservés"),
        "es": ("todos los derechos reservados", "derechos reservados"),
        "it": ("tutti i diritti riservati", "diritti riservati"),
        "nl": ("alle rechten voorbehouden", "rechten voorbehouden"),
        "pt": ("todos os direitos reservados", "direitos reservados"),
        "nb": ("alle rettigheter reservert", "rettigheter reservert"),
        "tr": ("tüm hakları saklıdır", "her hakkı saklıdır"),
        "xx": ("rättigheter förbehållna",),
    },
    # Word stems for "subscriber": a short line naming one at the end is a paywall.
    "subscriber": {
        "en": ("subscri",), "de": ("abonn",), "fr": ("abonn",), "es": ("suscri",),
        "it": ("abbonat",), "nl": ("abonn",), "pt": ("assinant",), "nb": ("abonn",),
        "tr": ("abone",), "xx": ("abonent", "prenumer", "tilaaj"),
    },
    # Whole lines of a paywall: the article stops here.
    "paywall": {
        "en": ("this (item|article|story) is (only )?available in full to subscribers\\.?",
               "please (log|sign) in to (continue|read).*",
               "subscribe (now )?to (continue|keep) reading.*",
               "to continue reading,? (please )?(subscribe|log in|sign in).*",
               "(to )?(continue|keep) reading.{0,60}",
               "read the (full|whole|rest of the) (story|article).*",
               "(start (your )?)?free trial.{0,80}"),
        "de": ("dieser artikel ist nur für abonnenten.*", "((start (your )?)?|jetzt )"
               "kostenlos testen.{0,80}", "weiterlesen mit .{0,60}"),
        "fr": ("réservé aux abonnés.*", "cet article est réservé aux abonnés.*",
               "(start (your )?|commencer l')?essai gratuit.{0,80}"),
        "es": ("contenido exclusivo para suscriptores\\.?",
               "este contenido es exclusivo para suscriptores.*"),
        "it": ("contenuto riservato agli abbonati.*",
               "questo articolo è riservato agli abbonati.*"),
        "nl": ("dit artikel is alleen voor abonnees.*", "lees verder met .{0,60}"),
        "pt": ("este conteúdo é exclusivo para assinantes.*",
               "conteúdo exclusivo para assinantes.*"),
        "nb": ("denne artikkelen er kun for abonnenter.*",),
        "tr": ("bu içerik yalnızca abonelere özeldir.*",),
    },
    # A sign-in prompt under a story (its reader may see only a preview).
    "already_subscriber": {
        "en": ("already a subscriber\\s?\\?.*",),
        "de": ("sie sind bereits abonnent\\s?\\?.*", "schon abonnent\\s?\\?.*"),
        "fr": ("déjà abonné\\s?\\?.*",),
        "es": ("¿?ya eres suscriptor\\s?\\?.*",),
        "it": ("sei già abbonato\\s?\\?.*",),
        "nl": ("ben je al abonnee\\s?\\?.*",),
        "pt": ("já é assinante\\s?\\?.*",),
        "nb": ("er du allerede abonnent\\s?\\?.*",),
        "tr": ("zaten abone misiniz\\s?\\?.*",),
    },
    # Lines of a newsletter to drop wherever they stand: unsubscribe, preferences.
    "unsubscribe": {
        "en": ("unsubscribe", "update your preferences", "manage (your )?subscription",
               "manage (your )?preferences", "email preferences"),
        "de": ("abmelden", "abbestellen", "newsletter abbestellen"),
        "fr": ("désinscri", "se désabonner", "gérer (vos|mes) préférences"),
        "es": ("desuscr", "dar(se|te) de baja", "date de baja", "cancelar (la )?suscripción"),
        "it": ("disiscriv", "annulla l.iscrizione", "cancella l.iscrizione"),
        "nl": ("afmelden", "uitschrijven"),
        "pt": ("cancelar (a )?inscrição", "descadastr", "cancelar (a )?assinatura"),
        "nb": ("meld deg av", "avmeld"),
        "tr": ("abonelikten çık", "aboneliği iptal"),
    },
    # Class names of a kicker (the line over a headline) and of a standfirst in HTML.
    "kicker_class": {
        "en": ("kicker", "overline", "eyebrow", "label", "topline"), "de": ("dachzeile",),
        "fr": ("surtitre",), "es": ("antetitulo",), "it": ("occhiello",), "nl": ("bovenkop",),
        "pt": ("antetitulo", "chapeu"), "nb": ("stikktittel",), "tr": ("ust-baslik",),
    },
    "lead_class": {
        "en": ("lead", "standfirst", "intro", "summary", "dek\\b", "teaser", "subtitle"),
        "de": ("vorspann", "anreisser"), "fr": ("chapo", "chapeau"), "es": ("entradilla",),
        "it": ("sommario",), "nl": ("intro",), "pt": ("linha-fina", "subtitulo"),
        "nb": ("ingress",), "tr": ("spot", "ozet"),
    },
    # Buttons copied from the end of an app screen (seen in English even in other UIs).
    "trailing_ui": {
        "en": ("listen", "translate", "change font size", "share", "save", "print", "font size"),
        "de": ("anhören", "übersetzen", "schriftgröße ändern"),
        "fr": ("écouter", "traduire", "changer la taille de la police"),
        "es": ("escuchar", "traducir", "cambiar tamaño de fuente"),
        "it": ("ascolta", "traduci", "cambia dimensione carattere"),
        "nl": ("luister", "vertalen", "lettergrootte wijzigen"),
        "pt": ("ouvir", "traduzir", "alterar tamanho da fonte"),
        "nb": ("lytt", "oversett", "endre skriftstørrelse"),
        "tr": ("dinle", "çevir", "yazı boyutunu değiştir"),
        "xx": ("słuchaj", "przetłumacz"),
    },
    # Words that cannot end a sentence: a period after one is a copy artefact.
    "open_words": {
        "en": ("a", "an", "the", "of", "by", "in", "on", "at", "to", "for", "from", "with", "into",
               "than", "and", "or", "late", "early", "mid"),
        "de": ("der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "eines",
               "von", "vom", "zum", "zur", "im", "am", "bis", "mit", "und", "oder", "ende",
               "anfang"),
        "fr": ("le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "ou", "par",
               "pour", "dans", "sur", "fin", "début"),
        "es": ("el", "los", "las", "una", "del", "al", "y", "o", "en", "con", "por", "para",
               "hasta", "finales", "principios"),
        "it": ("il", "lo", "gli", "di", "da", "dei", "della", "nel", "nella", "per", "tra", "fra",
               "fino", "fine", "inizio"),
        "nl": ("het", "een", "van", "op", "tot", "met", "voor", "eind", "begin", "en"),
        "pt": ("o", "os", "as", "um", "uma", "do", "da", "dos", "das", "no", "na", "em", "ao",
               "até"),
        "nb": ("et", "ett", "av", "til", "fra", "med", "og", "eller", "innen", "slutten"),
        "tr": ("ve", "ile", "bir", "veya"),
        "xx": ("af",),
    },
    # Common words, to guess a page's language before the language model is loaded.
    "stopwords": {
        "en": ("the", "and", "of", "to", "is", "was", "that", "with", "for", "it"),
        "de": ("der", "die", "und", "das", "ist", "nicht", "mit", "sich", "auf", "ein"),
        "fr": ("le", "les", "et", "des", "est", "une", "dans", "que", "pour", "pas"),
        "es": ("el", "los", "y", "que", "en", "una", "por", "las", "del", "con"),
        "it": ("il", "che", "di", "una", "per", "non", "della", "sono", "gli", "con"),
        "nl": ("de", "het", "een", "en", "van", "niet", "dat", "zijn", "met", "voor"),
        "pt": ("o", "os", "que", "uma", "não", "com", "para", "dos", "das", "em"),
        "nb": ("og", "det", "er", "som", "ikke", "med", "på", "til", "en", "av"),
        "tr": ("ve", "bir", "bu", "da", "için", "ile", "de", "çok", "olan", "gibi"),
    },
}
