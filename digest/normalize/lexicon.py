"""The words of page chrome in the languages dumps arrive in: one table for every format.

The formats find an article by structure (runs of short lines, the longest run of prose,
a block at the end); the words here only confirm what a line is when its shape alone
cannot tell (`Advertisement` and a one-word subheading look alike). Each category holds
regular-expression fragments (mostly plain words) per language, and `xx` for names that
are the same everywhere. Matching always uses every language at once: a page's language
is not known when its chrome is read, and an English share button sits on German pages.
"""

from __future__ import annotations

import functools
import re

LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "nb", "tr")

_Table = dict[str, tuple[str, ...]]

LEXICON: dict[str, _Table] = {
    # Whole lines that mark an advertisement.
    "ad": {
        "en": ("advertisement", "advertising", "sponsored", "sponsored content", "ad", "promoted",
               "paid content", "story continues below advertisement"),
        "de": ("anzeige", "werbung", "gesponsert", "sponsored post"),
        "fr": ("publicité", "contenu sponsorisé", "sponsorisé"),
        "es": ("publicidad", "contenido patrocinado", "patrocinado", "anuncio"),
        "it": ("pubblicità", "contenuto sponsorizzato", "sponsorizzato"),
        "nl": ("advertentie", "gesponsord"),
        "pt": ("publicidade", "conteúdo patrocinado", "patrocinado"),
        "nb": ("annonse", "reklame", "sponset"),
        "tr": ("reklam", "sponsorlu", "sponsorlu içerik"),
    },
    # A line that sends the reader to another article: `Read more: ...`, `Leggi anche ...`.
    "read_more": {
        "en": ("read more", "read also", "also read", "see also", "related", "more on this",
               "continue reading", "read next", "recommended"),
        "de": ("weiterlesen", "lesen sie auch", "lesen sie mehr", "mehr zum thema",
               "auch interessant", "das könnte sie auch interessieren", "siehe auch"),
        "fr": ("lire aussi", "à lire aussi", "a lire aussi", "lire la suite", "voir aussi",
               "à lire également", "lire également"),
        "es": ("leer más", "lea también", "lee también", "te puede interesar", "ver también",
               "le puede interesar", "más información"),
        "it": ("leggi anche", "leggi di più", "potrebbe interessarti", "vedi anche",
               "continua a leggere"),
        "nl": ("lees ook", "lees meer", "lees verder", "zie ook"),
        "pt": ("leia também", "leia mais", "veja também", "saiba mais", "continue lendo"),
        "nb": ("les også", "les mer", "se også"),
        "tr": ("devamını oku", "ayrıca okuyun", "bunu da okuyun", "ilgili haber", "ayrıca bakınız"),
    },
    # Headers of the blocks of other stories after an article.
    "more_stories": {
        "en": ("most read", "most popular", "most viewed", "trending", "related articles",
               "related stories", "more stories", "more from", "more on this story",
               "you may also like", "you might also like", "recommended for you", "latest news",
               "top stories", "more in"),
        "de": ("meistgelesen", "meistgelesene artikel", "am meisten gelesen", "verwandte artikel",
               "mehr aus", "mehr zum thema", "weitere artikel", "das könnte sie auch interessieren",
               "neueste artikel", "weitere geschichten von"),
        "fr": ("les plus lus", "les plus populaires", "articles liés", "sur le même sujet",
               "à lire également", "plus d'histoires de", "dernières actualités",
               "vous aimerez aussi"),
        "es": ("lo más leído", "más leídas", "más leídos", "noticias relacionadas",
               "relacionados", "más historias de", "te puede interesar", "últimas noticias"),
        "it": ("i più letti", "più letti", "articoli correlati", "correlati", "altre storie di",
               "potrebbe interessarti anche", "ultime notizie"),
        "nl": ("meest gelezen", "gerelateerde artikelen", "meer over", "meer verhalen van",
               "laatste nieuws"),
        "pt": ("mais lidas", "mais lidos", "notícias relacionadas", "relacionadas",
               "mais histórias de", "últimas notícias"),
        "nb": ("mest lest", "relaterte saker", "mer fra", "flere historier fra", "siste nytt"),
        "tr": ("en çok okunanlar", "ilgili haberler", "benzer haberler", "daha fazla hikaye",
               "son dakika"),
    },
    # Words that name a cookie or consent banner.
    "cookie": {
        "en": ("cookies?", "consent", "privacy settings", "tracking technologies"),
        "de": ("cookies?", "einwilligung", "datenschutzeinstellungen", "tracking"),
        "fr": ("cookies?", "consentement", "traceurs"),
        "es": ("cookies?", "consentimiento"),
        "it": ("cookies?", "consenso"),
        "nl": ("cookies?", "toestemming"),
        "pt": ("cookies?", "consentimento"),
        "nb": ("informasjonskapsler", "samtykke", "cookies?"),
        "tr": ("çerez(ler)?", "onay"),
    },
    # The buttons of a consent banner.
    "consent_button": {
        "en": ("accept", "accept all", "accept cookies", "reject all", "reject", "manage settings",
               "manage preferences", "i agree", "agree", "ok", "got it", "allow all"),
        "de": ("akzeptieren", "alle akzeptieren", "ablehnen", "alle ablehnen", "einstellungen",
               "zustimmen", "einverstanden"),
        "fr": ("accepter", "tout accepter", "refuser", "tout refuser", "paramétrer",
               "personnaliser", "j'accepte"),
        "es": ("aceptar", "aceptar todo", "aceptar todas", "rechazar", "configurar", "acepto"),
        "it": ("accetta", "accetta tutti", "rifiuta", "rifiuta tutti", "impostazioni",
               "personalizza", "accetto"),
        "nl": ("accepteren", "alles accepteren", "weigeren", "instellingen", "akkoord"),
        "pt": ("aceitar", "aceitar todos", "rejeitar", "definições", "configurações", "concordo"),
        "nb": ("godta", "godta alle", "avvis", "innstillinger", "jeg godtar"),
        "tr": ("kabul et", "tümünü kabul et", "reddet", "ayarlar", "kabul ediyorum"),
    },
    # Share rows and the buttons around an article.
    "share": {
        "xx": ("facebook", "x", "twitter", "whatsapp", "linkedin", "reddit", "pinterest",
               "telegram", "bluesky", "threads", "flipboard", "messenger", "e-?mail", "mail"),
        "en": ("share", "share this", "share this article", "share this story", "tweet",
               "copy link", "print", "save", "save article", "comment", "comments", "gift article",
               "listen", "listen to this article", "follow", "like", "restack"),
        "de": ("teilen", "artikel teilen", "link kopieren", "drucken", "merken", "kommentieren",
               "kommentare", "vorlesen", "artikel anhören", "folgen", "gefällt mir"),
        "fr": ("partager", "partager l'article", "copier le lien", "imprimer", "enregistrer",
               "commenter", "commentaires", "écouter", "suivre", "j'aime"),
        "es": ("compartir", "copiar enlace", "imprimir", "guardar", "comentar", "comentarios",
               "escuchar", "seguir", "me gusta"),
        "it": ("condividi", "copia link", "stampa", "salva", "commenta", "commenti", "ascolta",
               "segui", "mi piace"),
        "nl": ("delen", "deel", "kopieer link", "printen", "opslaan", "reageer", "reacties",
               "luister", "volgen", "vind ik leuk"),
        "pt": ("compartilhar", "partilhar", "copiar link", "imprimir", "salvar", "guardar",
               "comentar", "comentários", "ouvir", "seguir", "curtir", "gosto"),
        "nb": ("del", "del artikkelen", "kopier lenke", "skriv ut", "lagre", "kommenter",
               "kommentarer", "lytt", "følg", "lik"),
        "tr": ("paylaş", "bağlantıyı kopyala", "yazdır", "kaydet", "yorum yap", "yorumlar",
               "dinle", "takip et", "beğen"),
    },
    # The word after a number in a comment count (`12 comments`).
    "comments": {
        "en": ("comments?", "replies", "reply"),
        "de": ("kommentare?",),
        "fr": ("commentaires?", "réactions?"),
        "es": ("comentarios?",),
        "it": ("commenti", "commento"),
        "nl": ("reacties?",),
        "pt": ("comentários?",),
        "nb": ("kommentarer?",),
        "tr": ("yorum(lar)?",),
    },
    # A newsletter sign-up box inside or under an article.
    "newsletter_box": {
        "en": ("sign up", "subscribe to our newsletter", "get the newsletter", "enter your email",
               "your email address", "newsletter", "thanks for reading", "subscribe for free",
               "join \\d[\\d,.]* (other )?(subscribers|readers)", "(in|to) your inbox"),
        "de": ("newsletter abonnieren", "jetzt anmelden", "ihre e-mail-adresse",
               "zum newsletter", "kostenlos abonnieren", "danke fürs lesen", "in ihr postfach"),
        "fr": ("inscrivez-vous", "s'inscrire", "votre adresse e-mail", "recevez notre newsletter",
               "abonnez-vous à la newsletter", "merci de (me |nous )?lire",
               "dans votre boîte (mail|de réception)"),
        "es": ("suscríbete", "suscribirse", "tu correo electrónico", "recibe nuestro boletín",
               "boletín", "gracias por leer", "en tu bandeja de entrada"),
        "it": ("iscriviti", "la tua email", "ricevi la newsletter", "grazie per aver letto",
               "nella tua casella"),
        "nl": ("schrijf je in", "aanmelden voor de nieuwsbrief", "je e-mailadres", "nieuwsbrief",
               "bedankt voor het lezen", "in je (inbox|mailbox)"),
        "pt": ("inscreva-se", "assine a newsletter", "seu e-mail", "o seu e-mail",
               "receba a newsletter", "obrigad[oa] por ler", "na sua caixa de entrada"),
        "nb": ("meld deg på", "nyhetsbrev", "din e-postadresse", "takk for at du leser",
               "abonner gratis", "i innboksen"),
        "tr": ("bültenimize abone olun", "abone ol", "e-posta adresiniz", "bülten",
               "okuduğunuz için teşekkürler", "gelen kutunuza"),
    },
    # The start of an image credit (`Photo: Jane Roe/Reuters`).
    "credit": {
        "xx": ("getty images", "reuters", "afp", "dpa", "ap photo", "shutterstock", "epa",
               "anadolu", "alamy", "istock", "imago"),
        "en": ("photo", "photograph", "photography", "image", "picture", "credit", "illustration",
               "photo credit", "image credit"),
        "de": ("foto", "bild", "fotos", "illustration", "quelle"),
        "fr": ("photo", "crédit", "crédits", "crédit photo", "illustration"),
        "es": ("foto", "imagen", "fotografía", "ilustración"),
        "it": ("foto", "immagine", "illustrazione"),
        "nl": ("foto", "beeld", "afbeelding", "illustratie"),
        "pt": ("foto", "imagem", "fotografia", "ilustração"),
        "nb": ("foto", "bilde", "illustrasjon"),
        "tr": ("fotoğraf", "görsel", "foto"),
    },
    # Menu entries every site has (section names vary too much to list).
    "nav": {
        "en": ("menu", "home", "search", "sign in", "log in", "login", "subscribe", "register",
               "my account", "account", "sections", "close", "open menu", "main menu", "more"),
        "de": ("menü", "startseite", "suche", "suchen", "anmelden", "einloggen", "abonnieren",
               "registrieren", "mein konto", "schließen", "mehr"),
        "fr": ("accueil", "rechercher", "recherche", "se connecter", "connexion", "s'abonner",
               "mon compte", "fermer", "rubriques", "plus"),
        "es": ("menú", "inicio", "portada", "buscar", "iniciar sesión", "entrar", "suscríbete",
               "mi cuenta", "cerrar", "secciones", "más"),
        "it": ("home page", "cerca", "accedi", "abbonati", "il mio account", "chiudi", "sezioni"),
        "nl": ("zoeken", "inloggen", "abonneren", "mijn account", "sluiten", "rubrieken", "meer"),
        "pt": ("início", "pesquisar", "buscar", "entrar", "assinar", "assine", "minha conta",
               "a minha conta", "fechar", "secções", "seções", "mais"),
        "nb": ("meny", "forside", "søk", "logg inn", "abonner", "min side", "lukk", "mer"),
        "tr": ("menü", "anasayfa", "ana sayfa", "ara", "arama", "giriş yap", "abone ol",
               "hesabım", "kapat", "daha fazla"),
    },
    # Skip links at the very top of a page.
    "skip": {
        "en": ("skip to (main )?content", "skip to navigation", "skip to main menu",
               "jump to content"),
        "de": ("zum inhalt springen", "direkt zum inhalt", "zum hauptinhalt springen"),
        "fr": ("aller au contenu( principal)?", "passer au contenu( principal)?",
               "aller à la navigation"),
        "es": ("ir al contenido( principal)?", "saltar al contenido( principal)?"),
        "it": ("vai al contenuto( principale)?", "salta al contenuto( principale)?"),
        "nl": ("naar de (hoofd)?inhoud", "direct naar (de )?inhoud", "ga naar inhoud"),
        "pt": ("ir para o conteúdo( principal)?", "saltar para o conteúdo",
               "pular para o conteúdo"),
        "nb": ("hopp til (hoved)?innhold", "gå til innhold"),
        "tr": ("içeriğe geç", "ana içeriğe geç", "içeriğe atla"),
    },
    # Labels before a publication date.
    "published": {
        "en": ("published( on)?", "posted( on)?", "first published( on)?", "date"),
        "de": ("veröffentlicht( am)?", "erschienen( am)?", "publiziert( am)?", "datum"),
        "fr": ("publié( le)?", "paru( le)?", "mis en ligne( le)?"),
        "es": ("publicado( el)?", "fecha"),
        "it": ("pubblicato( il)?", "data"),
        "nl": ("gepubliceerd( op)?", "geplaatst( op)?", "datum"),
        "pt": ("publicado( em)?", "data"),
        "nb": ("publisert", "dato"),
        "tr": ("yayınlanma( tarihi)?", "yayınlandı", "yayın tarihi", "tarih"),
    },
    # Labels before the date of a later update (never the article's date).
    "updated": {
        "en": ("updated( on)?", "last updated( on)?", "last modified", "modified"),
        "de": ("aktualisiert( am)?", "zuletzt aktualisiert( am)?", "stand", "geändert( am)?"),
        "fr": ("mis à jour( le)?", "modifié( le)?", "actualisé( le)?"),
        "es": ("actualizado( el)?", "última actualización", "modificado( el)?"),
        "it": ("aggiornato( il)?", "ultimo aggiornamento", "modificato( il)?"),
        "nl": ("bijgewerkt( op)?", "laatst bijgewerkt( op)?", "gewijzigd( op)?"),
        "pt": ("atualizado( em)?", "actualizado( em)?", "última atualização"),
        "nb": ("oppdatert", "sist oppdatert", "endret"),
        "tr": ("güncelleme", "güncellendi", "son güncelleme", "güncelleme tarihi"),
    },
    # The word a byline opens with (`By Jane Roe`, `Par Jeanne Roux`).
    "byline": {
        "en": ("by", "written by", "words by", "text", "story by"),
        "de": ("von", "text", "autor", "autorin"),
        "fr": ("par", "texte", "propos recueillis par"),
        "es": ("por", "texto", "de"),
        "it": ("di", "da", "testo"),
        "nl": ("door", "tekst", "van"),
        "pt": ("por", "texto", "de", "da"),
        "nb": ("av", "tekst", "fra"),
        "tr": ("yazan", "yazar"),
        "xx": ("przez", "od", "z", "af", "från"),
    },
    # Read-time units (`5 min`, `3 Minuten`, `5 dk`); a read-time range in reader view.
    "minutes": {
        "en": ("mins?", "minutes?", "min read"),
        "de": ("minuten", "min\\. lesezeit", "minute"),
        "fr": ("minutes?", "min de lecture"),
        "es": ("minutos?",),
        "it": ("minuti", "minuto"),
        "nl": ("minuten", "minuut"),
        "pt": ("minutos?",),
        "nb": ("minutter", "minutt"),
        "tr": ("dk", "dakika"),
        "xx": ("minuty", "minut", "minuter", "perc", "мин", "分钟?"),
    },
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


def fragments(category: str) -> tuple[str, ...]:
    """Every language's fragments of a category, longest first (so alternations prefer
    `accept all` to `accept`)."""
    found = {fragment for words in LEXICON[category].values() for fragment in words}
    return tuple(sorted(found, key=lambda f: (-len(f), f)))


@functools.cache
def alternation(category: str) -> str:
    """The category as one regular-expression group, for patterns built around it."""
    return "(?:" + "|".join(fragments(category)) + ")"


@functools.cache
def search_pattern(category: str) -> re.Pattern[str]:
    """The category's words anywhere, where a word starts."""
    return re.compile(rf"(?<!\w){alternation(category)}", re.IGNORECASE)


@functools.cache
def _pattern(category: str) -> re.Pattern[str]:
    return re.compile(alternation(category), re.IGNORECASE)


@functools.cache
def _lead_pattern(category: str) -> re.Pattern[str]:
    return re.compile(rf"{alternation(category)}(?=$|[\s:.,!?…»”\"'—–-])", re.IGNORECASE)


_EDGES = " \t.:;,!?…|·•-–—>»«\"'“”()[]"


def is_line(category: str, line: str) -> bool:
    """The whole line is one of the category's phrases (edge punctuation aside)."""
    text = line.strip(_EDGES)
    return bool(text) and _pattern(category).fullmatch(text) is not None


def leads(category: str, line: str) -> str | None:
    """What follows a phrase of the category that opens the line, or None."""
    text = line.lstrip(_EDGES)
    match = _lead_pattern(category).match(text)
    return text[match.end():].lstrip(" \t:.-–—|") if match else None


def mentions(category: str, text: str) -> bool:
    """A phrase of the category stands somewhere in the text (as a word or a word's start)."""
    return search_pattern(category).search(text) is not None


def has_stem(category: str, text: str) -> bool:
    """A stem of the category occurs anywhere, inside words too (`unsubscri`)."""
    return _pattern(category).search(text) is not None


@functools.cache
def word_set(category: str) -> frozenset[str]:
    """The category's plain words (no regular-expression syntax), case folded."""
    return frozenset(f.casefold() for f in fragments(category))


_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """The language whose common words the text uses most; None below a few hits.

    Cheap and rough: it only picks which language's date forms to try first, before the
    language model (common.detect_language) decides the article's `lang`.
    """
    counts = dict.fromkeys(LANGUAGES, 0)
    table = LEXICON["stopwords"]
    words = _WORD.findall(text[:4000].casefold())
    for language in LANGUAGES:
        common = frozenset(table[language])
        counts[language] = sum(1 for w in words if w in common)
    best = max(LANGUAGES, key=lambda code: counts[code])
    return best if counts[best] >= 3 else None
