from bs4 import BeautifulSoup


def text_of(response) -> str:
    """The page's text as a person reads it: tags removed, white space folded."""
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
