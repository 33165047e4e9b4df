"""The most frequent function words of the languages digest stems, folded as the index
folds them. A query word among them is not required when the query has other words (it still
adds to a story's score), and a compound is never split into one of them. meta.json carries
the lists of the site's languages to the search page."""

from __future__ import annotations

_WORDS = {
    "en": "a an and are as at be been but by for from had has have he her his i if in into is "
          "it its of on or our she so that the their them they this to was we were what when "
          "which who will with you",
    "de": "aber als am an auch auf aus bei bin bis da das dass dem den der des die dies doch "
          "du ein eine einem einen einer eines er es für hat ich ihr im in ist ja kein mit "
          "nach nicht noch nur oder sich sie sind so über um und uns von vor war wie wir zu zum "
          "zur",
    "fr": "à au aux avec ce ces dans de des du elle en est et il ils je la le les leur lui "
          "mais me même mes ne nous on ou par pas pour qu que qui sa se ses son sur ta te "
          "une un vous y été être",
    "es": "a al algo con de del el ella en era es esta este fue ha la las le lo los más mi "
          "no nos o para pero por que se sin su sus también te un una uno y ya",
    "it": "a al alla anche che ci come con da dal del della di e è gli ha ho i il in la le "
          "lo ma mi ne nel nella non per più se si sono su sua suo tra un una uno",
    "nl": "aan al als bij dan dat de der deze die dit door een en er had heb heeft het hij "
          "hun ik in is je maar me met mij naar niet nog of om ook op te tot uit van voor was "
          "wat we wel zich zij zijn zo",
    "pt": "a ao aos as com da das de do dos e é ela ele em entre era foi isso mais mas na "
          "nas no nos o os ou para pela pelo por que se sem seu sua são também um uma",
    "sv": "alla att av de den det dem där efter eller en ett för från har hon han hur i "
          "inte jag kan med men mot när och om på sig som så till under upp ut var vi vid är",
    "da": "af alle at blev da de dem den der det du efter eller en er et for fra han hun "
          "hvor i ikke jeg kan med men når og om på sig som til ud var vi være",
    "no": "av de den der det du eller en er et for fra han hun i ikke jeg kan med men når "
          "og om på seg som til ut var vi være å",
    "fi": "ei ja jo joka jos kun kuin mutta niin no nyt oli on ovat se sen siitä sitä tai "
          "tämä että myös",
    "ru": "а бы в во вы да для до его ее же за и из или к как ли мы на не нет но о он она "
          "они от по с со так то ты у уже что это я",
    "pl": "a ale bo by co do i jak jest już na nie o od po się tak to w we z za że",
}
_WORDS["nb"] = _WORDS["nn"] = _WORDS["no"]


def stop_words(lang: str) -> frozenset[str]:
    """The folded stop words of a language tag (empty when there is no list for it)."""
    from digest.search_text import fold

    code = lang.lower().replace("_", "-").split("-")[0]
    return frozenset(fold(word) for word in _WORDS.get(code, "").split())
